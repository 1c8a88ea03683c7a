using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Nvoi.Cluster;
using Nvoi.Configuration;

namespace Nvoi.Cluster.Tests;

/// <summary>CronJobs from app.*.crons: applied, changed, pruned, run now (as kubectl create job --from=cronjob/…).</summary>
public class CronJobTests
{
    private static ClusterManifests Build(Application app) => ManifestBuilder.Build(Examples.Inputs(app));

    private static CronRunner Runner(KubeSandbox k) => new(k.Client, k.Watcher) { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task A_cron_is_created_changed_and_pruned_when_it_leaves_the_config()
    {
        await using var k = await KubeSandbox.StartAsync();
        var config = Examples.Sized();
        await k.Applier.ApplyAllAsync(Build(config).All);
        var cleanup = await k.Client.BatchV1.ReadNamespacedCronJobAsync("fleet-cron-cleanup", "default");
        Assert.Equal("0 3 * * *", cleanup.Spec.Schedule);
        Assert.Equal("Etc/UTC", cleanup.Spec.TimeZone);
        Assert.Equal(["sh", "-c", "bin/rails cleanup:sessions"], cleanup.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Command);

        config.App["web"].Crons["cleanup"] = new CronConfig { Schedule = "30 4 * * 0", Command = "bin/rails cleanup:all" };
        await k.Applier.ApplyAllAsync(Build(config).All);
        cleanup = await k.Client.BatchV1.ReadNamespacedCronJobAsync("fleet-cron-cleanup", "default");
        Assert.Equal("30 4 * * 0", cleanup.Spec.Schedule);
        Assert.Equal("bin/rails cleanup:all", cleanup.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Command[2]);

        config.App["jobs"].Crons.Clear();
        var next = Build(config);
        await k.Applier.ApplyAllAsync(next.All);
        Assert.Equal(["CronJob/fleet-cron-report"], await k.Applier.PruneAsync("fleet", next.All));
        var left = (await k.Client.BatchV1.ListNamespacedCronJobAsync("default")).Items.Select(c => c.Metadata.Name).ToList();
        Assert.Equal(["fleet-cron-cleanup"], left);
        Assert.Empty(await k.Applier.PruneAsync("fleet", next.All));
    }

    [Fact]
    public async Task Running_a_cron_streams_its_log_and_returns_the_exit_code_and_a_deploy_never_prunes_its_job()
    {
        await using var k = await KubeSandbox.StartAsync();
        var config = Examples.Sized();
        var manifests = Build(config);
        await k.Applier.ApplyAllAsync(manifests.All);

        var lines = new List<LogLine>();
        var ok = await Runner(k).RunAsync("fleet-cron-cleanup", "a1b2c3d4", lines.Add);
        Assert.Equal(new CronRunResult("fleet-cron-cleanup-a1b2c3d4", 0, true), ok);
        Assert.Contains(lines, l => l.Text == "[sandbox] running: sh -c bin/rails cleanup:sessions");
        Assert.All(lines, l => Assert.StartsWith("fleet-cron-cleanup-a1b2c3d4-", l.Pod));

        config.App["web"].Crons["cleanup"] = new CronConfig { Schedule = "0 3 * * *", Command = "exit 3" };
        await k.Applier.ApplyAllAsync(Build(config).All);
        var failed = await Runner(k).RunAsync("fleet-cron-cleanup", "0000beef", _ => { });
        Assert.Equal(new CronRunResult("fleet-cron-cleanup-0000beef", 3, false), failed);

        // The Jobs carry no managed-by label: a deploy's prune leaves them; deleting the CronJob takes them along.
        Assert.Empty(await k.Applier.PruneAsync("fleet", Build(config).All));
        Assert.Equal(2, (await k.Client.BatchV1.ListNamespacedJobAsync("default", labelSelector: $"{ManifestBuilder.CronLabel}=cleanup")).Items.Count);
        await k.Client.BatchV1.DeleteNamespacedCronJobAsync("fleet-cron-cleanup", "default", body: new V1DeleteOptions { PropagationPolicy = "Background" });
        await k.Client.CoreV1.ListNamespaceAsync(); // any request lets the emulator collect orphans
        Assert.Empty((await k.Client.BatchV1.ListNamespacedJobAsync("default", labelSelector: $"{ManifestBuilder.CronLabel}=cleanup")).Items);
        Assert.Empty((await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=fleet-cron-cleanup")).Items);
    }

    [Fact]
    public async Task A_cron_that_is_not_deployed_says_so()
    {
        await using var k = await KubeSandbox.StartAsync();
        var e = await Assert.ThrowsAsync<NvoiException>(() => Runner(k).RunAsync("fleet-cron-cleanup", "00000000", _ => { }));
        Assert.Equal("cronjob fleet-cron-cleanup is not in the cluster: deploy the config that defines it first (`nvoi deploy`)", e.Message);
    }

    [Fact]
    public async Task An_image_that_cannot_be_pulled_fails_the_run_with_the_pod_report()
    {
        await using var k = await KubeSandbox.StartAsync(new Dictionary<string, string> { ["kubernetes.unpullable_images"] = Examples.Image });
        await k.Applier.ApplyAllAsync(Build(Examples.Sized()).CronJobs);
        var e = await Assert.ThrowsAsync<RolloutFailedException>(() => Runner(k).RunAsync("fleet-cron-report", "00000001", _ => { }));
        Assert.Contains("ImagePullBackOff", e.Message);
    }

    [Fact]
    public async Task The_job_is_the_one_kubectl_create_job_from_cronjob_makes()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var kubectl = new Kubectl(k.Host.BaseUrl);
        await k.Applier.ApplyAllAsync(Build(Examples.Sized()).All);
        // kubectl sends creates as protobuf, which the emulator does not speak: it prints its Job, which is then created as JSON.
        var printed = await kubectl.OkAsync("create", "job", "by-kubectl", "--from=cronjob/fleet-cron-cleanup", "--dry-run=client", "-o", "json");
        await k.Client.BatchV1.CreateNamespacedJobAsync(KubernetesJson.Deserialize<V1Job>(printed), "default");
        var byKubectl = await k.Client.BatchV1.ReadNamespacedJobAsync("by-kubectl", "default");
        var ours = CronRunner.JobFrom(await k.Client.BatchV1.ReadNamespacedCronJobAsync("fleet-cron-cleanup", "default"), "x");

        Assert.Equal(byKubectl.Metadata.Labels, ours.Metadata.Labels);
        Assert.Equal(byKubectl.Metadata.Annotations, ours.Metadata.Annotations);
        var (theirs, mine) = (byKubectl.Metadata.OwnerReferences.Single(), ours.Metadata.OwnerReferences.Single());
        Assert.Equal((theirs.ApiVersion, theirs.Kind, theirs.Name, theirs.Uid, theirs.Controller, theirs.BlockOwnerDeletion),
            (mine.ApiVersion, mine.Kind, mine.Name, mine.Uid, mine.Controller, mine.BlockOwnerDeletion));
        Assert.Equal(JsonNode.Parse(KubernetesJson.Serialize(byKubectl.Spec.Template.Spec)), JsonNode.Parse(KubernetesJson.Serialize(ours.Spec.Template.Spec)),
            JsonNode.DeepEquals);
        await k.Watcher.WaitForJobAsync("by-kubectl", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Replicas_and_resources_reach_the_deployment_and_its_crons_and_jobs()
    {
        var m = Build(Examples.Sized());
        var web = m.Apps.OfType<V1Deployment>().Single(d => d.Metadata.Name == "fleet-web");
        Assert.Equal(3, web.Spec.Replicas);
        var resources = web.Spec.Template.Spec.Containers[0].Resources;
        Assert.Equal(("250m", "256Mi", "1", "1Gi"), (resources.Requests["cpu"].ToString(), resources.Requests["memory"].ToString(),
            resources.Limits["cpu"].ToString(), resources.Limits["memory"].ToString()));
        var jobs = m.Apps.OfType<V1Deployment>().Single(d => d.Metadata.Name == "fleet-jobs").Spec.Template.Spec.Containers[0].Resources;
        // Only the memory limit is set: the rest keeps 0.2.0's defaults.
        Assert.Equal(("100m", "128Mi", "500m", "2Gi"), (jobs.Requests["cpu"].ToString(), jobs.Requests["memory"].ToString(),
            jobs.Limits["cpu"].ToString(), jobs.Limits["memory"].ToString()));
        var report = m.CronJobs.Single(c => c.Metadata.Name == "fleet-cron-report").Spec.JobTemplate.Spec.Template.Spec.Containers[0].Resources;
        Assert.Equal("2Gi", report.Limits["memory"].ToString());
    }

    [Fact]
    public void The_registry_keeps_its_images_on_the_master_and_runs_only_there()
    {
        var registry = ManifestBuilder.RegistryDeployment(new Names("fleet"), Examples.Sized());
        var spec = registry.Spec.Template.Spec;
        Assert.Equal(new Dictionary<string, string> { ["kubernetes.io/hostname"] = "fleet-master-1" }, spec.NodeSelector);
        var volume = spec.Volumes.Single();
        Assert.Null(volume.EmptyDir);
        Assert.Equal(("/opt/nvoi/registry", "DirectoryOrCreate"), (volume.HostPath.Path, volume.HostPath.Type));
        Assert.Equal("/var/lib/registry", spec.Containers[0].VolumeMounts.Single(v => v.Name == volume.Name).MountPath);
        Assert.Equal("Recreate", registry.Spec.Strategy.Type);
    }
}
