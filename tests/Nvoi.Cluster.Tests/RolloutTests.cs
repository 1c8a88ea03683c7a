using k8s;
using k8s.Models;
using Nvoi.Cluster;

namespace Nvoi.Cluster.Tests;

public class RolloutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private const string BadImage = "localhost:30500/nvoi-shop:broken";

    [Fact]
    public async Task A_crash_looping_rollout_fails_with_a_report_and_the_old_version_keeps_serving()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.crashloop_images"] = BadImage });
        var good = ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite()));
        await k.Applier.ApplyAllAsync(good.All);
        await k.Watcher.WaitForDeploymentAsync("notes-web", Timeout);

        var bad = ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite()) with { Image = BadImage });
        await k.Applier.ApplyAllAsync(bad.Apps);
        var e = await Assert.ThrowsAsync<RolloutFailedException>(() => k.Watcher.WaitForDeploymentAsync("notes-web", Timeout));

        Assert.IsAssignableFrom<NvoiException>(e);
        Assert.StartsWith("deployment notes-web failed: pod notes-web-", e.Message);
        Assert.Contains("CrashLoopBackOff", e.Message);
        var crashing = e.Report.Pods.Where(p => p.Reason == "CrashLoopBackOff").ToList();
        Assert.NotEmpty(crashing);
        Assert.All(crashing, p =>
        {
            Assert.Equal("Running", p.Phase);
            Assert.Equal(3, p.Restarts);
            Assert.Contains(p.Events, ev => ev.StartsWith("Warning BackOff"));
            Assert.Contains(p.LogTail, l => l.Contains("exited with status 1"));
        });
        // maxUnavailable 0: the two pods of the previous version still run and are ready.
        var pods = await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=notes-web");
        Assert.Equal(2, pods.Items.Count(p => p.Spec.Containers[0].Image == Examples.Image && p.Status.Conditions.Any(c => c.Type == "Ready" && c.Status == "True")));
        Assert.Contains("pod notes-web-", e.Report.ToString());
    }

    [Fact]
    public async Task A_failing_pre_run_job_fails_with_its_logs_and_the_deployment_is_untouched()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.failing_job_images"] = BadImage });
        var m = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()) with { Image = BadImage });
        await k.Applier.ApplyAllAsync(m.Secrets.Concat(m.Database));
        var job = m.PreRunJobs.Single();
        Assert.StartsWith("shop-web-pre-run-broken-", job.Metadata.Name);
        await k.Applier.ApplyAsync(job);

        var e = await Assert.ThrowsAsync<RolloutFailedException>(() => k.Watcher.WaitForJobAsync(job.Metadata.Name, Timeout));
        Assert.Equal($"job {job.Metadata.Name} failed: the job failed (BackoffLimitExceeded)", e.Message);
        var pod = Assert.Single(e.Report.Pods);
        Assert.Equal(("Failed", "Error"), (pod.Phase, pod.Reason));
        Assert.Contains(pod.LogTail, l => l.StartsWith("Error: command exited with status 1"));
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default"));
    }

    [Fact]
    public async Task An_unpullable_image_fails_fast_with_ImagePullBackOff()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.unpullable_images"] = "localhost:30500/nvoi-shop" });
        await k.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite()) with { IncludeRegistry = false, IncludeErrorPages = false }).All);
        var e = await Assert.ThrowsAsync<RolloutFailedException>(() => k.Watcher.WaitForDeploymentAsync("notes-web", Timeout));
        Assert.Contains("ImagePullBackOff", e.Message);
        Assert.All(e.Report.Pods, p => Assert.Equal(("Pending", "ImagePullBackOff"), (p.Phase, p.Reason)));
        Assert.All(e.Report.Pods, p => Assert.Contains(p.Events, ev => ev.StartsWith("Warning Failed: Failed to pull image")));
    }

    [Fact]
    public async Task The_wait_follows_pods_that_become_ready_later_on_the_emulator_clock()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.start_delay_seconds"] = "20" });
        await k.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite())).Apps);
        var wait = k.Watcher.WaitForDeploymentAsync("notes-web", TimeSpan.FromSeconds(60));
        Assert.False(wait.IsCompleted);
        k.Time.Advance(TimeSpan.FromSeconds(20));
        await wait.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(wait.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_rollout_that_is_not_ready_at_the_timeout_fails_with_the_pods_state()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.start_delay_seconds"] = "600" });
        await k.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres())).Database);
        var wait = k.Watcher.WaitForStatefulSetAsync("db-shop", TimeSpan.FromSeconds(60));
        k.Time.Advance(TimeSpan.FromSeconds(61));
        var e = await Assert.ThrowsAsync<RolloutFailedException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("statefulset db-shop failed: not ready after 60s (0/1 ready)", e.Message);
        var pod = Assert.Single(e.Report.Pods);
        Assert.Equal(("db-shop-0", "Pending", "ContainerCreating"), (pod.Name, pod.Phase, pod.Reason));
    }

    [Fact]
    public async Task Pods_that_fit_no_node_are_reported_unschedulable()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.nodes"] = "shop-master-1=master", ["kubernetes.start_delay_seconds"] = "0" });
        var m = ManifestBuilder.Build(Examples.Inputs(Examples.Cluster()));
        await k.Applier.ApplyAllAsync(m.Apps);
        var wait = k.Watcher.WaitForDeploymentAsync("shop-web", TimeSpan.FromSeconds(30));
        k.Time.Advance(TimeSpan.FromSeconds(31));
        var e = await Assert.ThrowsAsync<RolloutFailedException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.All(e.Report.Pods, p => Assert.Equal("Unschedulable", p.Reason));
        Assert.All(e.Report.Pods, p => Assert.Contains(p.Events, ev => ev.Contains("didn't match Pod's node affinity")));
        // shop-jobs may run on master: it is scheduled there.
        var jobs = await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=shop-jobs");
        Assert.Equal("shop-master-1", jobs.Items.Single().Spec.NodeName);
    }

    // ---- judging watch events ------------------------------------------------------------------------

    private const string DeploymentRead = "GET /apis/apps/v1/namespaces/default/deployments/notes-web";

    private static bool IsWatch(string request, string resource) => request.Contains($"/{resource}?") && request.Contains("watch=true");

    private static bool IsPodList(string request) => request.StartsWith("GET /api/v1/namespaces/default/pods?") && !IsWatch(request, "pods");

    /// <summary>Until the wait has <paramref name="count"/> watches open (the server answered them) since <paramref name="mark"/>.</summary>
    private static Task Watching(KubeSandbox k, int mark, int count) =>
        k.Requests.WhenAsync(mark, rs => rs.Count(r => r.Contains("watch=true")) >= count).WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_wait_reads_once_then_judges_every_event_from_the_watches_alone()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.start_delay_seconds"] = "20" });
        await k.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite())).Apps);
        var (mark, answered) = (k.Requests.Count, k.Host.Requests);
        var wait = k.Watcher.WaitForDeploymentAsync("notes-web", TimeSpan.FromSeconds(60));
        await Watching(k, mark, 2);
        Assert.False(wait.IsCompleted);

        var before = (await k.Client.CoreV1.ListNamespacedPodAsync("default")).Metadata.ResourceVersion;
        k.Time.Advance(TimeSpan.FromSeconds(20)); // both pods start: the pods and the deployment change, many times
        await wait.WaitAsync(TimeSpan.FromSeconds(30));
        var after = (await k.Client.CoreV1.ListNamespacedPodAsync("default")).Metadata.ResourceVersion;
        Assert.True(long.Parse(after) - long.Parse(before) >= 5, $"{before} -> {after}");

        // The read of the deployment, the list of its pods, a watch on each: nothing per event.
        var requests = k.Requests.Since(mark).Take(4).ToList();
        Assert.Equal(DeploymentRead, requests[0]);
        Assert.Single(requests, r => IsWatch(r, "deployments") && r.Contains("fieldSelector=metadata.name%3Dnotes-web") && r.Contains("resourceVersion="));
        Assert.Single(requests, r => IsPodList(r) && r.Contains("labelSelector=app%3Dnotes-web"));
        Assert.Single(requests, r => IsWatch(r, "pods") && r.Contains("labelSelector=app%3Dnotes-web") && r.Contains("resourceVersion="));
        Assert.Equal(4 + 2, k.Host.Requests - answered); // and the test's own two lists
    }

    [Fact]
    public async Task A_job_is_read_and_its_pods_listed_at_once_and_its_completion_comes_from_the_watch()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.start_delay_seconds"] = "20" });
        var m = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()));
        await k.Applier.ApplyAllAsync(m.Secrets);
        var job = m.PreRunJobs.Single().Metadata.Name;
        await k.Applier.ApplyAsync(m.PreRunJobs.Single());
        var mark = k.Requests.Count;
        var wait = k.Watcher.WaitForJobAsync(job, TimeSpan.FromSeconds(60));
        await Watching(k, mark, 2);
        Assert.False(wait.IsCompleted);
        k.Time.Advance(TimeSpan.FromSeconds(20));
        await wait.WaitAsync(TimeSpan.FromSeconds(30));

        var requests = k.Requests.Since(mark);
        Assert.Equal(4, requests.Count);
        Assert.Single(requests, r => r == $"GET /apis/batch/v1/namespaces/default/jobs/{job}");
        Assert.Single(requests, r => IsPodList(r) && r.Contains($"labelSelector=job-name%3D{job}"));
        Assert.Single(requests, r => IsWatch(r, "jobs"));
        Assert.Single(requests, r => IsWatch(r, "pods"));
    }

    [Fact]
    public async Task A_crash_loop_seen_in_a_pod_event_fails_the_wait_with_the_report()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.crashloop_images"] = BadImage, ["kubernetes.start_delay_seconds"] = "20" });
        await k.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite()) with { Image = BadImage }).Apps);
        var mark = k.Requests.Count;
        var wait = k.Watcher.WaitForDeploymentAsync("notes-web", Timeout);
        await Watching(k, mark, 2); // the pods are still being created: nothing is stuck yet
        Assert.False(wait.IsCompleted);

        k.Time.Advance(TimeSpan.FromSeconds(20));
        var e = await Assert.ThrowsAsync<RolloutFailedException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("deployment notes-web failed: pod notes-web-", e.Message);
        Assert.EndsWith("CrashLoopBackOff (3 restarts)", e.Message);
        Assert.NotEmpty(e.Report.Pods);
        Assert.All(e.Report.Pods, p => Assert.Equal(("Running", "CrashLoopBackOff", 3), (p.Phase, p.Reason, p.Restarts)));
        var requests = k.Requests.Since(mark);
        Assert.Single(requests, r => r == DeploymentRead);
        Assert.Equal(2, requests.Count(r => r.Contains("watch=true")));
    }

    [Fact]
    public async Task When_the_server_ends_the_watches_the_wait_reads_again_and_watches_on()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.start_delay_seconds"] = "400" });
        await k.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite())).Apps);
        var mark = k.Requests.Count;
        var wait = k.Watcher.WaitForDeploymentAsync("notes-web", TimeSpan.FromMinutes(15));
        await Watching(k, mark, 2);

        k.Time.Advance(TimeSpan.FromSeconds(300)); // the watches' timeoutSeconds: the server closes both
        await Watching(k, mark, 4);
        Assert.False(wait.IsCompleted);
        k.Time.Advance(TimeSpan.FromSeconds(100));
        await wait.WaitAsync(TimeSpan.FromSeconds(30));

        var requests = k.Requests.Since(mark);
        Assert.Equal(8, requests.Count);
        Assert.Equal(2, requests.Count(r => r == DeploymentRead));
        Assert.Equal(2, requests.Count(IsPodList));
        Assert.Equal(2, requests.Count(r => IsWatch(r, "deployments")));
        Assert.Equal(2, requests.Count(r => IsWatch(r, "pods")));
    }

    [Fact]
    public async Task A_watch_from_a_version_the_server_no_longer_keeps_is_replaced_by_one_from_now()
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-kube-state");
        var settings = new Dictionary<string, string> { ["kubernetes.start_delay_seconds"] = "100" };
        try
        {
            await using (var before = await KubeSandbox.StartAsync(settings, dir.FullName))
            {
                await before.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite())).Apps);
                await before.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "later" } }, "default");
            }
            // A restarted API server keeps no history: the deployment's resourceVersion (older than the config map's) is too old to watch from.
            await using var k = await KubeSandbox.StartAsync(settings, dir.FullName);
            var old = (await k.Client.AppsV1.ReadNamespacedDeploymentAsync("notes-web", "default")).Metadata.ResourceVersion;
            var mark = k.Requests.Count;
            var wait = k.Watcher.WaitForDeploymentAsync("notes-web", TimeSpan.FromMinutes(15));
            await k.Requests.WhenAsync(mark, rs =>
            {
                var reread = rs.Select((r, i) => (r, i)).Where(x => x.r == DeploymentRead).Skip(1).Select(x => x.i + 1).FirstOrDefault();
                return reread > 0 && rs.Skip(reread).Any(r => IsWatch(r, "deployments")) && rs.Skip(reread).Any(r => IsWatch(r, "pods"));
            }).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(wait.IsCompleted);

            k.Time.Advance(TimeSpan.FromSeconds(100)); // before the watches' timeoutSeconds
            await wait.WaitAsync(TimeSpan.FromSeconds(30));
            var requests = k.Requests.Since(mark);
            Assert.Equal(2, requests.Count(r => r == DeploymentRead));
            var watches = requests.Where(r => IsWatch(r, "deployments")).ToList();
            Assert.Equal(2, watches.Count);
            Assert.Contains($"resourceVersion={old}&", watches[0]);
            Assert.DoesNotContain("resourceVersion=", watches[1]);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task A_workload_deleted_during_the_wait_ends_it_as_missing()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.start_delay_seconds"] = "600" });
        await k.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite())).Apps);
        var mark = k.Requests.Count;
        var wait = k.Watcher.WaitForDeploymentAsync("notes-web", Timeout);
        await Watching(k, mark, 2);
        await k.Client.AppsV1.DeleteNamespacedDeploymentAsync("notes-web", "default");
        var e = await Assert.ThrowsAsync<NvoiException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("deployment notes-web does not exist", e.Message);
    }
}
