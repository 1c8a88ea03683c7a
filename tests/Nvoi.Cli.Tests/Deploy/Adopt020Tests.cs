using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Nvoi.Cluster;
using Nvoi.Hosts;
using Nvoi.Operations;
using Nvoi.Operations.Deploy;
using Nvoi.Operations.Progress;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>
/// A cluster made by nvoi 0.2.0 (k3s without Traefik, ingress-nginx, tunnels to its controller), as
/// <see cref="SandboxWorld.ShapeAsNvoi020Async"/> leaves the sandbox, taken over by one deploy without a
/// moment offline, and by reruns after the deploy is killed anywhere.
/// </summary>
public class Adopt020Tests
{
    private const string Host = "shop.example.com";

    [Fact]
    public async Task A_cluster_made_by_nvoi_020_is_taken_over_with_the_site_answering_throughout()
    {
        using var project = await Nvoi020ProjectAsync();

        var plan = await PlanAsync(project);
        Assert.Equal(
            [
                "update k3s traefik shop-master-1",
                "create ingress (bridge) shop-web-adopt",
                "update tunnel origin nvoi-shop-web",
                "delete ingress (bridge) shop-web-adopt",
                "delete validatingwebhookconfiguration ingress-nginx-admission",
                "delete ingressclass nginx",
                "delete clusterrolebinding ingress-nginx",
                "delete clusterrole ingress-nginx",
                "delete clusterrolebinding ingress-nginx-admission",
                "delete clusterrole ingress-nginx-admission",
                "delete namespace ingress-nginx",
            ],
            plan.Actions.Where(IsAdoption).Select(Line));
        Assert.True(plan.HasDestructive);
        Assert.Contains("nvoi-error-backend", plan.Actions.Single(a => a.Kind == "namespace").Reason);
        // The tunnels step leaves the tunnel for the switch.
        Assert.DoesNotContain(plan.Actions, a => a.Kind == "tunnel config" && a.IsChange);

        // Every progress event of the deploy checks the URL: it answers at each one.
        var config = EngineHarness.Config(project);
        await using (var world = await EngineHarness.WorldAsync(project, config))
        {
            var down = new ConcurrentQueue<string>();
            var sink = new UrlWatchingSink(world, down);
            var deployer = new Deployer(config, world, sink, EngineHarness.Options(project));
            await deployer.PlanAsync(default);
            await deployer.DeployAsync(default);
            Assert.True(down.IsEmpty, "the site did not answer: " + string.Join("; ", down));
            Assert.True(sink.Checks > 10, $"only {sink.Checks} checks");
            var steps = sink.Finished.ToList();
            Assert.True(steps.IndexOf("adopt-traefik") < steps.IndexOf("adopt-switch") &&
                        steps.IndexOf("adopt-switch") < steps.IndexOf("workloads") &&
                        steps.IndexOf("verify") < steps.IndexOf("adopt-cleanup"), string.Join(", ", steps));
        }

        await AssertAdoptedAsync(project, "after one deploy");
        var after = await PlanAsync(project);
        Assert.False(after.HasChanges, string.Join("; ", after.Actions.Where(a => a.IsChange).Select(Line)));

        // The CLI's plan says the same: nothing to do.
        var cli = await project.PlanAsync();
        Assert.DoesNotContain(cli, a => a.Action != "none");
    }

    [Fact]
    public async Task The_cli_rehearses_a_takeover_in_the_sandbox()
    {
        using var project = new SandboxProject("hetzner-postgres");
        Assert.Equal(0, (await project.DeployAsync()).ExitCode);
        var shaped = await project.Run.RunAsync(["sandbox", "shape-0.2.0", "-c", "deploy.yml"]);
        Assert.True(shaped.ExitCode == 0, shaped.All);
        Assert.Contains("cluster made by nvoi 0.2.0", shaped.All);

        var plan = await project.NvoiAsync("plan");
        Assert.True(plan.ExitCode == 0, plan.All);
        foreach (var line in new[]
        {
            "update k3s traefik shop-master-1 disabled (cluster made by nvoi 0.2.0)",
            "create ingress (bridge) shop-web-adopt serves web through Traefik while its tunnel switches",
            "update tunnel origin nvoi-shop-web routes to ingress-nginx (cluster made by nvoi 0.2.0): switch to Traefik, verify shop.example.com, else switch back",
            "delete namespace ingress-nginx ingress-nginx v1.10.0 (cluster made by nvoi 0.2.0)",
        })
            Assert.Contains(line, System.Text.RegularExpressions.Regex.Replace(plan.Out, " {2,}", " "));

        // Destructive: deploy asks, and without a terminal refuses unless --yes.
        var asked = await project.NvoiAsync("deploy");
        Assert.NotEqual(0, asked.ExitCode);
        var deployed = await project.DeployAsync();
        Assert.True(deployed.ExitCode == 0, deployed.All);
        Assert.Contains("Enable Traefik (cluster made by nvoi 0.2.0)", deployed.All);
        Assert.Contains("Remove ingress-nginx (cluster made by nvoi 0.2.0)", deployed.All);
        Assert.DoesNotContain(await project.PlanAsync(), a => a.Action != "none");
    }

    [Fact]
    public async Task A_takeover_killed_after_any_step_leaves_the_site_answering_and_converges_when_run_again()
    {
        // The takeover's steps and those around them, by their place in a whole run.
        List<string> finishedSteps;
        using (var reference = await Nvoi020ProjectAsync())
        {
            var sink = new RecordingSink();
            await EngineHarness.DeployAsync(reference, sink);
            finishedSteps = sink.Events.OfType<StepFinished>().Select(e => e.Id).ToList();
        }
        var steps = finishedSteps.Count;
        string[] around = ["tunnels", "k3s", "adopt-traefik", "adopt-switch", "workloads", "verify", "prune-images"];
        var kills = finishedSteps.Select((id, i) => (id, i + 1)).Where(s => around.Contains(s.id) && s.Item2 < steps - 1).Select(s => s.Item2).ToList();
        Assert.Equal(around.Length, kills.Count);

        foreach (var kill in kills)
        {
            using var project = await Nvoi020ProjectAsync();
            var finished = 0;
            string? killedAfter = null;
            var killer = new RecordingSink(e =>
            {
                if (e is not StepFinished done || Interlocked.Increment(ref finished) != kill) return false;
                killedAfter = done.Id;
                return true;
            });
            await Record.ExceptionAsync(() => EngineHarness.DeployAsync(project, killer, ct: killer.Killed));
            var config = EngineHarness.Config(project);
            await using (var world = await EngineHarness.WorldAsync(project, config))
            {
                var check = await world.CheckUrlAsync(Host, default);
                Assert.True(check.Ok, $"killed after {killedAfter} (step {kill} of {steps}): {check.Detail}");
            }

            await EngineHarness.DeployAsync(project);
            await AssertAdoptedAsync(project, $"killed after {killedAfter} (step {kill})");
            var plan = await PlanAsync(project);
            Assert.False(plan.HasChanges, $"killed after {killedAfter}: {string.Join("; ", plan.Actions.Where(a => a.IsChange).Select(Line))}");
        }
    }

    [Fact]
    public async Task A_tunnel_that_does_not_answer_through_traefik_switches_back_to_ingress_nginx()
    {
        using var project = await Nvoi020ProjectAsync();
        var config = EngineHarness.Config(project);
        await using (var world = await EngineHarness.WorldAsync(project, config))
        {
            // The running app's pods stop being ready once Traefik serves: the switch must not stay.
            var sink = new RecordingSink();
            var deployer = new Deployer(config, world, new BreakAppAfter(world, "adopt-traefik", sink), EngineHarness.Options(project) with { VerifyAttempts = 2 });
            await deployer.PlanAsync(default);
            var error = await Assert.ThrowsAsync<NvoiException>(() => deployer.DeployAsync(default));
            Assert.Contains("switched back to ingress-nginx", error.Message);
            var tunnel = (await world.Cloudflare.FindTunnelAsync("nvoi-shop-web", default))!;
            var ingress = (await world.Cloudflare.GetTunnelConfigurationAsync(tunnel.Id, default))!.Ingress;
            Assert.Equal(Nvoi020.TunnelOrigin, ingress[0].Service);
        }
        // ingress-nginx was not touched.
        var plan = await PlanAsync(project);
        Assert.Contains(plan.Actions, a => a.Kind == "namespace" && a.Name == Nvoi020.Namespace);
    }

    [Fact]
    public async Task A_cluster_nvoi_made_plans_no_takeover()
    {
        using var project = new SandboxProject("hetzner-postgres");
        await EngineHarness.DeployAsync(project);
        var plan = await PlanAsync(project);
        Assert.DoesNotContain(plan.Actions, IsAdoption);
        Assert.False(plan.HasChanges);
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        Assert.Equal(0, (await world.HostByName("shop-master-1").ReadStateAsync()).K3sRestartCount);
    }

    private static bool IsAdoption(PlannedAction a) =>
        a.Reason.Contains("0.2.0", StringComparison.Ordinal) || a.Kind == "ingress (bridge)";

    private static string Line(PlannedAction a) => $"{Nvoi.Cli.Rendering.PlanPrinter.ActionName(a.Action)} {a.Kind} {a.Name}";

    /// <summary>The example deployed by nvoi, then shaped as nvoi 0.2.0 leaves a cluster; its URL answers through ingress-nginx.</summary>
    private static async Task<SandboxProject> Nvoi020ProjectAsync()
    {
        var project = new SandboxProject("hetzner-postgres");
        await EngineHarness.DeployAsync(project);
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        await world.ShapeAsNvoi020Async(config);
        var check = await world.CheckUrlAsync(Host, default);
        Assert.True(check.Ok, check.Detail);
        return project;
    }

    private static async Task<Plan> PlanAsync(SandboxProject project)
    {
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        return await new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project)).PlanAsync(default);
    }

    private static async Task AssertAdoptedAsync(SandboxProject project, string because)
    {
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        var master = world.HostByName("shop-master-1");
        Assert.False(await master.IsTraefikDisabledAsync(), because);
        var unit = (await master.ReadFileAsync(ServerSetup.K3sServiceUnit))!;
        Assert.Contains("'--write-kubeconfig-mode=0600' \\\n\t'--cluster-cidr=10.42.0.0/16' \\\n", unit);
        Assert.Equal(1, (await master.ReadStateAsync()).K3sRestartCount);
        var check = await world.CheckUrlAsync(Host, default);
        Assert.True(check.Ok, $"{because}: {check.Detail}");

        var tunnel = (await world.Cloudflare.FindTunnelAsync("nvoi-shop-web", default))!;
        var ingress = (await world.Cloudflare.GetTunnelConfigurationAsync(tunnel.Id, default))!.Ingress;
        Assert.Equal(DesiredState.TunnelOrigin, ingress[0].Service);

        await using var access = await ClusterConnection.OpenAsync(world, new DesiredState(config), default);
        var client = access.Client;
        var namespaces = (await client.CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name).ToList();
        Assert.DoesNotContain(Nvoi020.Namespace, namespaces);
        Assert.Empty((await client.NetworkingV1.ListIngressClassAsync()).Items);
        Assert.Empty((await client.RbacAuthorizationV1.ListClusterRoleAsync()).Items);
        Assert.Empty((await client.RbacAuthorizationV1.ListClusterRoleBindingAsync()).Items);
        Assert.Empty((await client.AdmissionregistrationV1.ListValidatingWebhookConfigurationAsync()).Items);
        var ingresses = (await client.NetworkingV1.ListNamespacedIngressAsync(ClusterLabels.Namespace)).Items;
        Assert.Equal(["shop-web"], ingresses.Select(i => i.Metadata.Name));
        Assert.Equal("traefik", ingresses[0].Spec.IngressClassName);
        Assert.Equal(1, (await client.AppsV1.ReadNamespacedDeploymentAsync("traefik", "kube-system")).Status?.ReadyReplicas);
    }

    /// <summary>Checks the URL at every progress event (the site must answer at each).</summary>
    private sealed class UrlWatchingSink(SandboxWorld world, ConcurrentQueue<string> down) : IProgressSink
    {
        private int _checks;
        public int Checks => _checks;
        public ConcurrentQueue<string> Finished { get; } = new();

        public void Report(ProgressEvent e)
        {
            if (e is not (StepStarted or StepFinished)) return;
            if (e is StepFinished f) Finished.Enqueue(f.Id);
            var check = Task.Run(() => world.CheckUrlAsync(Host, default)).GetAwaiter().GetResult();
            Interlocked.Increment(ref _checks);
            if (!check.Ok) down.Enqueue($"{e}: {check.Detail}");
        }
    }

    /// <summary>Once <paramref name="step"/> finished, the app's Deployment in the sandbox has no ready pod (its image crashes).</summary>
    private sealed class BreakAppAfter(SandboxWorld world, string step, IProgressSink inner) : IProgressSink
    {
        public void Report(ProgressEvent e)
        {
            inner.Report(e);
            if (e is not StepFinished f || f.Id != step) return;
            Task.Run(async () =>
            {
                await using var access = await ClusterConnection.OpenAsync(world, world.Host((await world.Cloud.FindServerAsync("shop-master-1", default))!), default);
                await access.Client.AppsV1.PatchNamespacedDeploymentAsync(
                    new V1Patch(new { spec = new { replicas = 0 } }, V1Patch.PatchType.MergePatch), "shop-web", ClusterLabels.Namespace);
            }).GetAwaiter().GetResult();
        }
    }
}
