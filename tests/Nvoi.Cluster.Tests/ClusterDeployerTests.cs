using k8s;
using Nvoi.Cluster;

namespace Nvoi.Cluster.Tests;

public class ClusterDeployerTests
{
    private const string NewImage = "localhost:30500/nvoi-shop:20260102080000";

    [Fact]
    public async Task A_deploy_runs_every_step_in_order_and_a_second_deploy_rolls_the_new_image()
    {
        await using var k = await KubeSandbox.StartAsync();
        var deployer = new ClusterDeployer(k.Applier, k.Watcher);
        var steps = new List<string>();
        var first = ManifestBuilder.Build(Examples.Inputs(Examples.Cluster()));
        var pushes = 0;
        Assert.Empty(await deployer.DeployAsync("shop", first, steps.Add, beforeJobs: async () =>
        {
            // The push hook runs once the registry is ready, before any app Deployment exists.
            var registry = await k.Client.AppsV1.ReadNamespacedDeploymentAsync("nvoi-registry", "default");
            Assert.True(registry.Status.ReadyReplicas > 0);
            await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default"));
            pushes++;
        }));
        Assert.Equal(1, pushes);
        Assert.Equal(["apply secrets, platform, database and services", "apply app services and tunnels", "prune"], steps);

        var second = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()) with { Image = NewImage });
        var pruned = await deployer.DeployAsync("shop", second);
        Assert.Contains("Deployment/shop-jobs", pruned);
        Assert.Contains("Deployment/shop-redis", pruned);
        var web = await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default");
        Assert.Equal(NewImage, web.Spec.Template.Spec.Containers.Single().Image);
        var pods = await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=shop-web");
        Assert.All(pods.Items, p => Assert.Equal(NewImage, p.Spec.Containers.Single().Image));
        var job = await k.Client.BatchV1.ReadNamespacedJobAsync(second.PreRunJobs.Single().Metadata.Name, "default");
        Assert.Equal(1, job.Status.Succeeded);
    }

    [Fact]
    public async Task A_selection_applies_only_its_objects_and_deletes_only_its_list_after_its_hook()
    {
        await using var k = await KubeSandbox.StartAsync();
        var deployer = new ClusterDeployer(k.Applier, k.Watcher);
        await deployer.DeployAsync("shop", ManifestBuilder.Build(Examples.Inputs(Examples.Cluster())));
        var redis = await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-redis", "default");

        var second = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()) with { Image = NewImage });
        var hooked = false;
        var pruned = await deployer.DeployAsync("shop", second, only: new RolloutSelection(
            o => o.Kind == "Job" || (o.Kind == "Deployment" && o.Metadata.Name == "shop-web"),
            [("Deployment", "shop-jobs")],
            async () =>
            {
                // Runs once the app rolled out, before anything is deleted.
                await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-jobs", "default");
                hooked = true;
            }));

        Assert.True(hooked);
        Assert.Equal(["Deployment/shop-jobs"], pruned);
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-jobs", "default"));
        // Not listed: neither pruned nor applied again.
        var redisAfter = await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-redis", "default");
        Assert.Equal(redis.Metadata.ResourceVersion, redisAfter.Metadata.ResourceVersion);
        var web = await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default");
        Assert.Equal(NewImage, web.Spec.Template.Spec.Containers.Single().Image);
    }

    [Fact]
    public async Task A_failed_migration_stops_the_deploy_before_the_app_changes()
    {
        const string broken = "localhost:30500/nvoi-shop:broken";
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.failing_job_images"] = broken });
        var deployer = new ClusterDeployer(k.Applier, k.Watcher);
        await deployer.DeployAsync("shop", ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres())));

        var e = await Assert.ThrowsAsync<RolloutFailedException>(() =>
            deployer.DeployAsync("shop", ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()) with { Image = broken })));
        Assert.Equal("Job", e.Report.Kind);
        var web = await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default");
        Assert.Equal(Examples.Image, web.Spec.Template.Spec.Containers.Single().Image);
        Assert.Equal(2, web.Status.AvailableReplicas);
    }

    [Fact]
    public async Task A_failed_app_rollout_prunes_nothing()
    {
        const string crashing = "localhost:30500/nvoi-shop:crashing";
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.crashloop_images"] = crashing });
        var deployer = new ClusterDeployer(k.Applier, k.Watcher);
        await deployer.DeployAsync("shop", ManifestBuilder.Build(Examples.Inputs(Examples.Cluster())));

        // The new config drops redis and the jobs service; its app never becomes ready.
        var e = await Assert.ThrowsAsync<RolloutFailedException>(() =>
            deployer.DeployAsync("shop", ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()) with { Image = crashing })));
        Assert.Equal("Deployment", e.Report.Kind);
        // What left the config was found during the rollout but is still there: it goes only after a success.
        await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-redis", "default");
        await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-jobs", "default");
    }
}

public class FaultToleranceTests
{
    [Fact]
    public async Task A_deploy_succeeds_through_injected_429_503_and_lost_responses()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new Nvoi.Sandbox.Emulation.EmulatorOptions { Time = time, FaultRate = 0.15, Seed = 11 };
        await using var host = await Nvoi.Sandbox.Emulation.EmulatorHost.StartAsync(new Nvoi.Sandbox.Kubernetes.KubernetesEmulator(options), options);
        // Zero delays: retries are immediate, so the test needs no clock for them.
        using var client = KubeClientFactory.ForUrl(host.BaseUrl, time, new Nvoi.Http.RetryOptions(8, TimeSpan.Zero, TimeSpan.Zero, false));
        var deployer = new ClusterDeployer(new Applier(client), new RolloutWatcher(client, time));
        var config = Examples.Cluster();
        await deployer.DeployAsync("shop", ManifestBuilder.Build(Examples.Inputs(config)));
        config.App.Remove("jobs");
        var pruned = await deployer.DeployAsync("shop", ManifestBuilder.Build(Examples.Inputs(config)));
        Assert.Equal(["Deployment/shop-jobs"], pruned);
        var web = await client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default");
        Assert.Equal(2, web.Status.AvailableReplicas);
    }

    [Fact]
    public async Task Without_the_retry_handler_the_same_faults_break_the_deploy()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new Nvoi.Sandbox.Emulation.EmulatorOptions { Time = time, FaultRate = 0.15, Seed = 11 };
        await using var host = await Nvoi.Sandbox.Emulation.EmulatorHost.StartAsync(new Nvoi.Sandbox.Kubernetes.KubernetesEmulator(options), options);
        using var client = KubeClientFactory.ForUrl(host.BaseUrl);
        var deployer = new ClusterDeployer(new Applier(client), new RolloutWatcher(client, time));
        await Assert.ThrowsAnyAsync<Exception>(() => deployer.DeployAsync("shop", ManifestBuilder.Build(Examples.Inputs(Examples.Cluster()))));
    }
}
