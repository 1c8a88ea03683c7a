using k8s;
using k8s.Models;
using Nvoi.Cluster;
using Nvoi.Operations;
using Nvoi.Operations.Deploy;
using Nvoi.Operations.Progress;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>The deploy executes the plan's typed changes: each request it makes is a row of the plan, and only those.</summary>
public class PlanExecutionTests
{
    private const string AdminApp = "    admin:\n      servers: [master]\n      domain: example.com\n      subdomain: admin\n      port: 3000\n";

    private static async Task<ClusterAccess> ClusterAsync(SandboxWorld world) =>
        await ClusterConnection.OpenAsync(world, world.Host((await world.Cloud.FindServerAsync("saas-master-1", default))!), default);

    [Fact]
    public async Task Removing_a_web_app_deletes_its_tunnel_and_dns_record_as_planned()
    {
        using var project = new SandboxProject("hetzner-cluster");
        var original = project.ConfigText;
        project.ConfigText = original.Replace("  database:\n", AdminApp + "  database:\n", StringComparison.Ordinal);
        await EngineHarness.DeployAsync(project);

        project.ConfigText = original;
        var log = new MutationLog();
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config, log.Settings());
        Assert.NotNull(await world.Cloudflare.FindTunnelAsync("nvoi-saas-admin", default));
        var deployer = new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project));
        var plan = await deployer.PlanAsync(default);

        Assert.Contains(plan.Actions, a => a is { Action: PlanActionKind.Delete, Kind: "tunnel", Name: "nvoi-saas-admin" });
        Assert.Contains(plan.Actions, a => a is { Action: PlanActionKind.Delete, Kind: "dns record", Name: "admin.example.com" });
        Assert.True(plan.HasDestructive);
        await deployer.DeployAsync(default);

        Assert.Null(await world.Cloudflare.FindTunnelAsync("nvoi-saas-admin", default));
        var zone = await world.Cloudflare.FindZoneForHostnameAsync("admin.example.com", default);
        Assert.Null(await world.Cloudflare.FindDnsRecordAsync(zone!, "admin.example.com", "CNAME", default));
        // The web app's tunnel stays, and the deploy made exactly the planned changes.
        Assert.NotNull(await world.Cloudflare.FindTunnelAsync("nvoi-saas-web", default));
        Assert.Equal(MutationLog.PlannedChanges(plan), log.Changes());

        log.Clear();
        var after = await new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project)).PlanAsync(default);
        Assert.False(after.HasChanges, string.Join(", ", after.Actions.Where(a => a.IsChange)));
    }

    [Theory]
    [InlineData("remove-tunnel:admin")] // the tunnel deleted, its cloudflared not pruned yet
    [InlineData("workloads")]           // pruned too, the history not written yet
    public async Task A_deploy_killed_while_removing_a_web_app_finishes_when_run_again(string killedAfter)
    {
        using var project = new SandboxProject("hetzner-cluster");
        var original = project.ConfigText;
        project.ConfigText = original.Replace("  database:\n", AdminApp + "  database:\n", StringComparison.Ordinal);
        await EngineHarness.DeployAsync(project);

        project.ConfigText = original;
        var killer = new RecordingSink(e => e is StepFinished f && f.Id == killedAfter);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EngineHarness.DeployAsync(project, killer, ct: killer.Killed));

        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        var left = await new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project)).PlanAsync(default);
        // What the killed run did not do is still planned; the tunnel it deleted is not planned again.
        Assert.DoesNotContain(left.Actions, a => a.Kind == "tunnel" && a.IsChange);
        Assert.Equal(killedAfter != "workloads", left.Actions.Any(a => a is { Action: PlanActionKind.Delete, Kind: "deployment", Name: "cloudflared-admin" }));
        await new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project)).DeployAsync(default);

        Assert.Null(await world.Cloudflare.FindTunnelAsync("nvoi-saas-admin", default));
        var after = await new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project)).PlanAsync(default);
        Assert.False(after.HasChanges, string.Join(", ", after.Actions.Where(a => a.IsChange)));
    }

    [Fact]
    public async Task A_node_label_that_differs_is_planned_and_patched_and_a_deploy_with_nothing_to_do_sends_no_change()
    {
        using var project = new SandboxProject("hetzner-cluster");
        await EngineHarness.DeployAsync(project);
        var log = new MutationLog();
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config, log.Settings());
        await using (var cluster = await ClusterAsync(world))
            await cluster.Client.CoreV1.PatchNodeAsync(new V1Patch(new { metadata = new { labels = new Dictionary<string, string> { [Nvoi.Configuration.Names.NodeLabel] = "master" } } },
                V1Patch.PatchType.MergePatch), "saas-workers-1");
        log.Clear();

        var deployer = new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project));
        var plan = await deployer.PlanAsync(default);
        Assert.Equal(["update k3s node saas-workers-1"], plan.Actions.Where(a => a.IsChange).Select(a => $"{a.Action.ToString().ToLowerInvariant()} {a.Kind} {a.Name}"));
        await deployer.DeployAsync(default);
        Assert.Equal(["update k3s node"], log.Changes());
        await using (var cluster = await ClusterAsync(world))
            Assert.Equal("workers", (await cluster.Client.CoreV1.ReadNodeAsync("saas-workers-1")).Metadata.Labels[Nvoi.Configuration.Names.NodeLabel]);

        // Nothing left to do: the deploy sends no create, update or delete at all (and records no history).
        log.Clear();
        var again = new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project));
        Assert.False((await again.PlanAsync(default)).HasChanges);
        await again.DeployAsync(default);
        Assert.True(log.Requests.Count == 0, string.Join(", ", log.Requests));
    }

    [Fact]
    public async Task A_deploy_after_a_stale_plan_plans_again_and_refuses_deletes_that_were_not_shown()
    {
        using var project = new SandboxProject("hetzner-cluster");
        await EngineHarness.DeployAsync(project);
        var log = new MutationLog();
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config, log.Settings());
        // Every plan is stale at once, as after a long confirmation question.
        var options = EngineHarness.Options(project) with { ObservationReuse = TimeSpan.Zero };
        var sink = new RecordingSink();
        var deployer = new Deployer(config, world, sink, options);
        var shown = await deployer.PlanAsync(default);
        Assert.False(shown.HasDestructive);

        // Meanwhile an object of the app appears that the config does not hold: the new plan would delete it.
        await using (var cluster = await ClusterAsync(world))
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = "stray", NamespaceProperty = ClusterLabels.Namespace, Labels = new Dictionary<string, string>
                {
                    [ClusterLabels.ManagedBy] = ClusterLabels.ManagerValue, [ClusterLabels.Instance] = "saas",
                } },
            }, ClusterLabels.Namespace);
        log.Clear();

        var refused = await Assert.ThrowsAsync<NvoiException>(() => deployer.DeployAsync(default));
        Assert.Contains("delete configmap stray", refused.Message);
        Assert.Contains("run `nvoi deploy` again", refused.Message);
        Assert.True(log.Requests.Count == 0, string.Join(", ", log.Requests));
        Assert.Equal(2, sink.Events.OfType<StepFinished>().Count(e => e.Id == "observe"));

        // Shown that plan, the deploy goes ahead with it (observed again, the same deletes).
        var confirmed = new Deployer(config, world, NullProgressSink.Instance, options);
        var plan = await confirmed.PlanAsync(default);
        Assert.Contains(plan.Actions, a => a is { Action: PlanActionKind.Delete, Kind: "configmap", Name: "stray" });
        await confirmed.DeployAsync(default);
        await using (var cluster = await ClusterAsync(world))
            Assert.DoesNotContain((await cluster.Client.CoreV1.ListNamespacedConfigMapAsync(ClusterLabels.Namespace)).Items, m => m.Metadata.Name == "stray");
    }
}
