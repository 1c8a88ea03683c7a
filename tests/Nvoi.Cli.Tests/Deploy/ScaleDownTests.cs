using k8s;
using Nvoi.Cli.Tests.DayTwo;
using Nvoi.Configuration;

namespace Nvoi.Cli.Tests.Deploy;

public class ScaleDownTests
{
    [Fact]
    public async Task Lowering_a_group_count_drains_removes_and_deletes_the_surplus_server_and_keeps_the_volumes()
    {
        using var project = new SandboxProject("hetzner-cluster");
        var first = await project.DeployAsync("--plain");
        Assert.True(first.ExitCode == 0, first.Err);
        project.ConfigText = project.ConfigText.Replace("    workers:\n      count: 2", "    workers:\n      count: 1");

        var changes = (await project.PlanAsync()).Where(a => a.Action != "none").ToList();
        Assert.Contains(("delete", "k3s node", "saas-workers-2"), changes);
        Assert.Contains(("delete", "server", "saas-workers-2"), changes);
        Assert.DoesNotContain(changes, c => c.Kind is "volume" || c.Name == "saas-workers-1");

        // Destructive: without --yes and without a terminal, nothing happens.
        var refused = await project.NvoiAsync("deploy", "--plain");
        Assert.NotEqual(0, refused.ExitCode);
        await AssertServersAsync(project, "saas-master-1", "saas-workers-1", "saas-workers-2");

        var deploy = await project.DeployAsync("--plain");
        Assert.True(deploy.ExitCode == 0, deploy.Err + deploy.Out);
        Assert.Contains("saas-workers-2", deploy.Out);

        var after = (await project.PlanAsync()).Where(a => a.Action != "none").ToList();
        Assert.True(after.Count == 0, $"the plan after the scale-down still changes {string.Join(", ", after)}");
        await AssertServersAsync(project, "saas-master-1", "saas-workers-1");

        var config = SandboxInspector.Config(project);
        await using var world = await SandboxInspector.OpenAsync(project);
        var volumes = (await world.Cloud.ListVolumesAsync(default)).Select(v => v.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["saas-master-pgdata", "saas-master-redisdata"], volumes);
        var master = world.HostByName(new Names(config.Application.Name!).Server("master", 1));
        await using var forward = await master.ForwardLocalPortAsync("127.0.0.1", 6443);
        using var client = world.Kubernetes("", forward);
        var nodes = (await client.CoreV1.ListNodeAsync()).Items.Select(n => n.Metadata.Name).Where(n => n.StartsWith("saas-", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(["saas-master-1", "saas-workers-1"], nodes);
    }

    private static async Task AssertServersAsync(SandboxProject project, params string[] expected)
    {
        await using var world = await SandboxInspector.OpenAsync(project);
        var servers = (await world.Cloud.ListServersAsync(default)).Select(s => s.Name).Order(StringComparer.Ordinal);
        Assert.Equal(expected, servers);
    }
}
