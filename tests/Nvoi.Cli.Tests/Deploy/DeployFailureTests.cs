using k8s;
using Nvoi.Cluster;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Operations.Deploy;
using Nvoi.Operations.Progress;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Tests.Deploy;

public class DeployFailureTests
{
    [Fact]
    public async Task A_deploy_killed_after_each_step_converges_when_run_again()
    {
        // Count the steps of a whole deploy once.
        int steps;
        using (var reference = new SandboxProject("hetzner-postgres"))
        {
            var sink = new RecordingSink();
            await EngineHarness.DeployAsync(reference, sink);
            steps = sink.Events.OfType<StepFinished>().Count();
        }
        Assert.True(steps > 10, $"only {steps} steps");

        // The last step (releasing the lock) runs even when the deploy is stopped, so stop before it.
        for (var kill = 1; kill < steps - 1; kill++)
        {
            using var project = new SandboxProject("hetzner-postgres");
            var finished = 0;
            string? killedAfter = null;
            var killer = new RecordingSink(e =>
            {
                if (e is not StepFinished done || Interlocked.Increment(ref finished) != kill) return false;
                killedAfter = done.Id;
                return true;
            });
            var died = await Record.ExceptionAsync(() => EngineHarness.DeployAsync(project, killer, ct: killer.Killed));
            // Verify and image pruning run side by side after the rollout: killed after the second of them to finish,
            // nothing is left to stop but the lock release, which runs anyway.
            Assert.True(died is not null || killedAfter is "verify" or "prune-images",
                $"the deploy was not stopped after step {kill} of {steps}, {killedAfter} ({string.Join(", ", killer.Events.OfType<StepFinished>().Select(e => e.Id))})");
            // A killed process cannot release its lock: leave one behind from a process that is gone.
            await LeaveDeadLockAsync(project);

            await EngineHarness.DeployAsync(project);
            await AssertConvergedAsync(project, $"killed after step {kill}");
        }
    }

    [Fact]
    public async Task A_deploy_whose_lock_was_taken_over_meanwhile_leaves_the_new_holders_lock()
    {
        using var project = new SandboxProject("hetzner-postgres");
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        var names = new Nvoi.Configuration.Names(config.Application.Name!);
        var other = new LockInfo("ops@elsewhere", DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()), "0.3.0") { BootId = "b-other", PidNamespace = "pid:[1]", Pid = 4242 };
        // Right after this deploy took the lock, someone runs `nvoi unlock` and another deploy takes it.
        var sink = new RecordingSink(e =>
        {
            if (e is not StepFinished { Id: "lock" }) return false;
            var master = world.HostByName(names.Server("master", 1));
            var ours = ServerSetup.ReadDeployLockAsync(master, names.DeployLockPath).GetAwaiter().GetResult()!;
            var replaced = ServerSetup.AcquireDeployLockAsync(master, names.DeployLockPath, other, TimeSpan.FromHours(1), default, takeOver: ours)
                .GetAwaiter().GetResult();
            Assert.Equal(new LockResult.Acquired(ours), replaced);
            return false;
        });
        var deployer = new Deployer(config, world, sink, EngineHarness.Options(project));
        await deployer.PlanAsync(default);
        await deployer.DeployAsync(default);

        Assert.Equal(other, await ServerSetup.ReadDeployLockAsync(world.HostByName(names.Server("master", 1)), names.DeployLockPath));
        var unlock = Assert.Single(sink.Events.OfType<StepFinished>(), f => f.Id == "unlock");
        Assert.Contains("left in place", unlock.Detail);
        Assert.Contains(sink.Events.OfType<ProgressMessage>(), m => m.Level == MessageLevel.Warning && m.Text.Contains("ops@elsewhere (pid 4242) holds it now", StringComparison.Ordinal));
    }

    private static async Task LeaveDeadLockAsync(SandboxProject project)
    {
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        var names = new Nvoi.Configuration.Names(config.Application.Name!);
        if (!world.SimulatedServers().Contains(names.Server("master", 1))) return;
        var master = world.HostByName(names.Server("master", 1));
        await ServerSetup.ReleaseDeployLockAsync(master, names.DeployLockPath, default);
        var dead = LockProcess.Current() with { Pid = 2147483000 };
        await ServerSetup.AcquireDeployLockAsync(master, names.DeployLockPath, dead.Lock(DateTimeOffset.UtcNow, "0.0.1"), TimeSpan.FromHours(1), default);
    }

    private static async Task AssertConvergedAsync(SandboxProject project, string because)
    {
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        var servers = await world.Cloud.ListServersAsync(default);
        Assert.True(servers.Select(s => s.Name).Order().SequenceEqual(["shop-master-1"]), $"{because}: servers {string.Join(", ", servers.Select(s => s.Name))}");
        var volumes = await world.Cloud.ListVolumesAsync(default);
        Assert.True(volumes.Count == 1 && volumes[0].Name == "shop-master-pgdata", $"{because}: volumes {string.Join(", ", volumes.Select(v => v.Name))}");
        var tunnels = await world.Cloudflare.ListTunnelsAsync("nvoi-shop-web", false, default);
        Assert.True(tunnels.Count == 1, $"{because}: {tunnels.Count} tunnels");
        var zone = (await world.Cloudflare.FindZoneForHostnameAsync("shop.example.com", default))!;
        Assert.Single(await world.Cloudflare.ListDnsRecordsAsync(zone, "shop.example.com", default));
        var host = await world.HostByName("shop-master-1").ReadStateAsync();
        Assert.True(host.FormatCount.Values.All(n => n == 1), $"{because}: a volume was formatted {host.FormatCount.Values.Max()} times");
        Assert.Null(await ServerSetup.ReadDeployLockAsync(world.HostByName("shop-master-1"), "/tmp/nvoi-deploy-nvoi-shop.lock", default));
    }

    [Fact]
    public async Task A_second_concurrent_deploy_fails_with_the_lock_holders_details()
    {
        using var project = new SandboxProject("hetzner-postgres");
        await EngineHarness.DeployAsync(project);

        var holding = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var first = Task.Run(() => EngineHarness.DeployAsync(project, new BlockingSink("workloads", holding, release), holder: new LockProcess("alice@laptop", "boot-a", "pid:[1]", 1)));
        await holding.Task;
        var second = await Assert.ThrowsAsync<DeployLockedException>(() => EngineHarness.DeployAsync(project, holder: new LockProcess("bob@desktop", "boot-b", "pid:[1]", 2)));
        Assert.Contains("alice@laptop (pid 1)", second.Message);
        Assert.Contains("nvoi unlock", second.Message);
        release.SetResult();
        await first;
    }

    /// <summary>Holds the deploy inside a step until released (the lock is held meanwhile).</summary>
    private sealed class BlockingSink(string stepId, TaskCompletionSource reached, TaskCompletionSource release) : IProgressSink
    {
        public void Report(ProgressEvent e)
        {
            if (e is StepStarted s && s.Id == stepId)
            {
                reached.TrySetResult();
                release.Task.GetAwaiter().GetResult();
            }
        }
    }

    [Fact]
    public async Task A_failing_migration_stops_the_deploy_and_the_previous_version_keeps_serving()
    {
        using var project = new SandboxProject("hetzner-cluster");
        await EngineHarness.DeployAsync(project);
        var before = await AppImageAsync(project, "saas-web");

        File.WriteAllText(project.Run.PathOf("index.html"), "<h1>version 2</h1>");
        var failing = new SandboxSettings { Emulator = new Dictionary<string, string> { ["kubernetes.failing_job_images"] = "localhost:30500/nvoi-saas" } };
        var error = await Assert.ThrowsAsync<RolloutFailedException>(() => EngineHarness.DeployAsync(project, settings: failing));
        Assert.Contains("pre-run", error.Message);
        Assert.Equal(before, await AppImageAsync(project, "saas-web"));
    }

    [Fact]
    public async Task A_crash_looping_image_fails_the_deploy_with_the_pod_report()
    {
        using var project = new SandboxProject("hetzner-postgres");
        var crashing = new SandboxSettings { Emulator = new Dictionary<string, string> { ["kubernetes.crashloop_images"] = "localhost:30500/nvoi-shop" } };
        var error = await Assert.ThrowsAsync<RolloutFailedException>(() => EngineHarness.DeployAsync(project, settings: crashing));
        Assert.Contains("CrashLoopBackOff", error.Message);
        Assert.Contains("shop-web", error.Message);
        // The command prints the pod report under the message.
        Assert.Contains("pod shop-web-", error.Details);
    }

    [Fact]
    public async Task Every_node_registers_with_its_server_group_label_and_needs_no_labelling_step()
    {
        using var project = new SandboxProject("hetzner-cluster");
        var sink = new RecordingSink();
        await EngineHarness.DeployAsync(project, sink);
        Assert.DoesNotContain(sink.Events.OfType<StepStarted>(), e => e.Id == "nodes");

        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        var master = world.HostByName(new Nvoi.Configuration.Names(config.Application.Name!).Server("master", 1));
        await using var forward = await master.ForwardLocalPortAsync("127.0.0.1", 6443);
        using var client = world.Kubernetes("", forward);
        var labels = (await client.CoreV1.ListNodeAsync()).Items.Where(n => n.Metadata.Name.StartsWith("saas-", StringComparison.Ordinal))
            .ToDictionary(n => n.Metadata.Name, n => n.Metadata.Labels is { } l && l.TryGetValue(Nvoi.Configuration.Names.NodeLabel, out var g) ? g : null);
        Assert.Equal(new Dictionary<string, string?> { ["saas-master-1"] = "master", ["saas-workers-1"] = "workers", ["saas-workers-2"] = "workers" }, labels);
    }

    private static async Task<string> AppImageAsync(SandboxProject project, string deployment)
    {
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        var master = world.HostByName(new Nvoi.Configuration.Names(config.Application.Name!).Server("master", 1));
        await using var forward = await master.ForwardLocalPortAsync("127.0.0.1", 6443);
        using var client = world.Kubernetes("", forward);
        var d = await client.AppsV1.ReadNamespacedDeploymentAsync(deployment, ClusterLabels.Namespace);
        return d.Spec.Template.Spec.Containers[0].Image;
    }
}
