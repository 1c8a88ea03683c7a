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
        Assert.Equal("shop-web-pre-run-broken", job.Metadata.Name);
        await k.Applier.ApplyAsync(job);

        var e = await Assert.ThrowsAsync<RolloutFailedException>(() => k.Watcher.WaitForJobAsync(job.Metadata.Name, Timeout));
        Assert.Equal("job shop-web-pre-run-broken failed: the job failed (BackoffLimitExceeded)", e.Message);
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
}
