using k8s;
using k8s.Models;
using Nvoi.Cluster;

namespace Nvoi.Cluster.Tests;

public class ApplyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_whole_app_applies_rolls_out_and_reapplies_without_change()
    {
        await using var k = await KubeSandbox.StartAsync();
        var manifests = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()));
        await k.Applier.ApplyAllAsync(manifests.All);

        await k.Watcher.WaitForStatefulSetAsync("db-shop", Timeout);
        await k.Watcher.WaitForJobAsync(manifests.PreRunJobs.Single().Metadata.Name, Timeout);
        await k.Watcher.WaitForDeploymentAsync("shop-web", Timeout);

        var web = await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default");
        Assert.Equal(2, web.Status.AvailableReplicas);
        Assert.Equal("nvoi", web.Metadata.ManagedFields.Single().Manager);
        Assert.Equal("Apply", web.Metadata.ManagedFields.Single().Operation);
        var pods = await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=shop-web");
        Assert.Equal(2, pods.Items.Count);
        Assert.All(pods.Items, p => Assert.Equal("Running", p.Status.Phase));

        var generation = web.Metadata.Generation;
        var version = web.Metadata.ResourceVersion;
        await k.Applier.ApplyAllAsync(manifests.All);
        web = await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default");
        Assert.Equal(generation, web.Metadata.Generation);
        Assert.Equal(version, web.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task The_secret_holds_the_env_and_the_deployment_from_the_api_holds_no_value()
    {
        await using var k = await KubeSandbox.StartAsync();
        var inputs = Examples.Inputs(Examples.SinglePostgres());
        await k.Applier.ApplyAllAsync(ManifestBuilder.Build(inputs).All);
        var secret = await k.Client.CoreV1.ReadNamespacedSecretAsync("app-secret-shop", "default");
        Assert.Equal("skb-secret-value-1", System.Text.Encoding.UTF8.GetString(secret.Data["SECRET_KEY_BASE"]));
        Assert.Null(secret.StringData);
        var json = KubernetesJson.Serialize(await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default"));
        Assert.DoesNotContain("skb-secret-value-1", json);
        Assert.DoesNotContain("pg-secret-pw-1", json);
    }

    [Fact]
    public async Task An_app_removed_from_the_config_is_pruned_and_other_apps_are_left_alone()
    {
        await using var k = await KubeSandbox.StartAsync();
        var other = ManifestBuilder.Build(Examples.Inputs(Examples.Apex()) with { IncludeRegistry = false, IncludeErrorPages = false });
        await k.Applier.ApplyAllAsync(other.All);
        var config = Examples.Cluster();
        await k.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(config)).All);

        config.App.Remove("jobs");
        config.Services.Remove("redis");
        var next = ManifestBuilder.Build(Examples.Inputs(config));
        await k.Applier.ApplyAllAsync(next.All);
        var deleted = await k.Applier.PruneAsync("shop", next.All);

        Assert.Equal(["Secret/shop-redis-secret", "Service/shop-redis", "Deployment/shop-jobs", "Deployment/shop-redis"], deleted);
        var deployments = (await k.Client.AppsV1.ListNamespacedDeploymentAsync("default")).Items.Select(d => d.Metadata.Name).Order().ToList();
        Assert.Equal(["cloudflared-web", "nvoi-error-pages", "nvoi-registry", "shop-web", "site-web"], deployments);
        Assert.Empty((await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=shop-jobs")).Items);
        Assert.Empty(await k.Applier.PruneAsync("shop", next.All));
    }

    [Fact]
    public async Task Applying_over_a_field_another_manager_owns_conflicts_unless_forced()
    {
        await using var k = await KubeSandbox.StartAsync();
        var deployment = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres())).Apps.OfType<V1Deployment>().Single();
        await k.Applier.ApplyAsync(deployment);

        var patch = new V1Patch("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"shop-web"},"spec":{"replicas":5}}""", V1Patch.PatchType.ApplyPatch);
        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() =>
            k.Client.AppsV1.PatchNamespacedDeploymentAsync(patch, "shop-web", "default", fieldManager: "someone"));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, e.Response.StatusCode);
        Assert.Contains("conflict with \"nvoi\": .spec.replicas", Applier.StatusMessage(e));

        await k.Client.AppsV1.PatchNamespacedDeploymentAsync(patch, "shop-web", "default", fieldManager: "someone", force: true);
        Assert.Equal(5, (await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default")).Spec.Replicas);

        // nvoi's next deploy takes the field back (it applies with force).
        await k.Applier.ApplyAsync(deployment);
        var d = await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default");
        Assert.Equal(2, d.Spec.Replicas);
        Assert.DoesNotContain(d.Metadata.ManagedFields, f => f.Manager == "someone" && f.FieldsV1.ToString()!.Contains("replicas"));
    }

    [Fact]
    public async Task A_field_nvoi_stops_setting_is_removed()
    {
        await using var k = await KubeSandbox.StartAsync();
        var secret = ManifestBuilder.Secret(new Configuration.Names("shop"), "s", new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" });
        await k.Applier.ApplyAsync(secret);
        secret.Data.Remove("B");
        await k.Applier.ApplyAsync(secret);
        var live = await k.Client.CoreV1.ReadNamespacedSecretAsync("s", "default");
        Assert.Equal(["A"], live.Data.Keys);
    }

    [Fact]
    public async Task Emulator_state_survives_a_restart()
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-k8s-state").FullName;
        try
        {
            await using (var k = await KubeSandbox.StartAsync(stateDirectory: dir))
                await k.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite())).All);
            await using var again = await KubeSandbox.StartAsync(stateDirectory: dir);
            var d = await again.Client.AppsV1.ReadNamespacedDeploymentAsync("notes-web", "default");
            Assert.Equal("nvoi", d.Metadata.ManagedFields.Single().Manager);
            await again.Watcher.WaitForDeploymentAsync("notes-web", Timeout);
        }
        finally { Directory.Delete(dir, true); }
    }
}
