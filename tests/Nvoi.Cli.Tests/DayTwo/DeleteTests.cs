using Nvoi.Cli.Tests.Deploy;
using Nvoi.Configuration;

namespace Nvoi.Cli.Tests.DayTwo;

public class DeleteTests
{
    [Theory]
    [MemberData(nameof(SandboxProject.Examples), MemberType = typeof(SandboxProject))]
    public async Task Delete_with_volumes_leaves_nothing_of_the_deployment_and_a_second_delete_has_nothing_to_do(string example)
    {
        using var project = new SandboxProject(example);
        var deploy = await project.DeployAsync("--plain");
        Assert.True(deploy.ExitCode == 0, $"{example}: {deploy.Err}\n{deploy.Out}");
        var names = new Names(SandboxInspector.Config(project).Application.Name!);
        await using (var world = await SandboxInspector.OpenAsync(project))
        {
            var before = await SandboxInspector.ResourcesAsync(world, names);
            Assert.Contains(before, r => r.StartsWith("server "));
            Assert.Contains(before, r => r.StartsWith("network "));
            if (SandboxInspector.Config(project).Application.App.Values.Any(a => !string.IsNullOrEmpty(a.Domain)))
            {
                Assert.Contains(before, r => r.StartsWith("tunnel "));
                Assert.Contains(before, r => r.StartsWith("dns CNAME "));
            }
        }

        var delete = await project.NvoiAsync("delete", "--delete-volumes", "--yes", "--json");
        Assert.True(delete.ExitCode == 0, $"{example}: {delete.Err}\n{delete.Out}");
        AssertReferenceOrder(example, delete.Out);

        await using (var world = await SandboxInspector.OpenAsync(project))
        {
            var left = await SandboxInspector.ResourcesAsync(world, names);
            Assert.True(left.Count == 0, $"{example}: left behind {string.Join("; ", left)}");
            Assert.Empty(world.SimulatedServers());
        }
        var clusters = Path.Combine(project.Run.Dir, ".nvoi", "sandbox", "clusters");
        Assert.True(!Directory.Exists(clusters) || Directory.GetFileSystemEntries(clusters).Length == 0, "a deleted master's cluster state is left");

        var again = await project.NvoiAsync("delete", "--delete-volumes", "--yes", "--plain");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("nothing to delete", again.Out);

        foreach (var secret in project.SecretValues()) Assert.DoesNotContain(secret, delete.All);
    }

    /// <summary>Reference §7: detach → servers → volumes → firewall → network, each after the previous ended.</summary>
    private static void AssertReferenceOrder(string example, string ndjson)
    {
        var events = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("id", out _))
            .Select(e => (Type: e.GetProperty("type").GetString()!, Id: e.GetProperty("id").GetString()!))
            .ToList();
        int Index(string type, string id) => events.IndexOf((type, id));
        var order = new[] { "detach", "servers", "volumes", "firewall", "network" }
            .Where(id => Index("step_started", id) >= 0).ToList();
        Assert.True(order.Contains("servers") && order.Contains("firewall") && order.Contains("network"), $"{example}: steps {string.Join(", ", order)}");
        for (var i = 1; i < order.Count; i++)
            Assert.True(Index("step_finished", order[i - 1]) < Index("step_started", order[i]), $"{example}: {order[i]} started before {order[i - 1]} ended");
        Assert.DoesNotContain(events, e => e.Type == "step_failed");
    }

    [Fact]
    public async Task Delete_is_refused_without_yes_on_a_pipe_keeps_volumes_without_delete_volumes_and_removes_them_with_it()
    {
        using var project = new SandboxProject("hetzner-postgres");
        Assert.Equal(0, (await project.DeployAsync("--plain")).ExitCode);

        var refused = await project.NvoiAsync("delete", "--plain");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("stdin is not a terminal, so re-run with --yes", refused.Err);
        Assert.Contains("delete  server", refused.Out); // the teardown plan was shown first
        Assert.DoesNotContain(await project.PlanAsync(), a => a.Action != "none"); // nothing was deleted

        var delete = await project.NvoiAsync("delete", "--yes", "--plain");
        Assert.True(delete.ExitCode == 0, delete.Err);
        Assert.Contains("kept volumes shop-master-pgdata", delete.Err);
        await using (var world = await SandboxInspector.OpenAsync(project))
        {
            var volume = Assert.Single(await world.Cloud.ListVolumesAsync(default), v => v.Name == "shop-master-pgdata");
            Assert.Null(volume.ServerId);
            Assert.Empty(await world.Cloud.ListServersAsync(default));
        }

        var second = await project.NvoiAsync("delete", "--yes", "--plain");
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("nothing to delete for shop", second.Out);

        // The kept volume keeps its filesystem: a new deploy mounts it without formatting.
        var redeploy = await project.DeployAsync("--plain");
        Assert.True(redeploy.ExitCode == 0, redeploy.Err);
        Assert.Contains("/opt/nvoi/volumes/shop-master-pgdata: mounted", redeploy.Out);

        var withVolumes = await project.NvoiAsync("delete", "--yes", "--delete-volumes", "--json");
        Assert.True(withVolumes.ExitCode == 0, withVolumes.Err);
        Assert.Contains("\"id\":\"volume:shop-master-pgdata\"", withVolumes.Out);
        await using (var world = await SandboxInspector.OpenAsync(project))
            Assert.Empty(await world.Cloud.ListVolumesAsync(default));
    }

    [Theory]
    [InlineData("shop\n", 0)]
    [InlineData("shopp\n", 130)]
    public async Task On_a_terminal_delete_proceeds_only_when_the_application_name_is_typed(string typed, int expectedExit)
    {
        using var project = new SandboxProject("hetzner-postgres");
        Assert.Equal(0, (await project.DeployAsync("--plain")).ExitCode);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var host = new Nvoi.Cli.Hosting.CliHost
        {
            Out = stdout, Err = stderr, In = new StringReader(typed), InIsTerminal = true, OutIsTerminal = false,
            GetEnvironmentVariable = _ => null, CurrentDirectory = project.Run.Dir,
        };
        var code = await NvoiApp.RunAsync(["delete", "--plain", "-c", "deploy.yml", "--sandbox"], host);
        Assert.True(code == expectedExit, stderr.ToString());
        Assert.Contains("Type the application name (shop) to confirm", stderr.ToString());
        var servers = (await project.PlanAsync()).Where(a => a.Kind == "server").ToList();
        Assert.Equal(expectedExit == 0 ? "create" : "none", Assert.Single(servers).Action);
    }

    [Fact]
    public async Task Delete_with_branch_deletes_only_that_branch()
    {
        using var project = new SandboxProject("sqlite");
        Assert.Equal(0, (await project.DeployAsync("--plain")).ExitCode);
        Assert.Equal(0, (await project.DeployAsync("--plain", "--branch", "feat")).ExitCode);
        var main = new Names(SandboxInspector.Config(project).Application.Name!);
        var branch = new Names(SandboxInspector.Config(project, "feat").Application.Name!);
        Assert.NotEqual(main.App, branch.App);

        var delete = await project.NvoiAsync("delete", "--yes", "--delete-volumes", "--plain", "--branch", "feat");
        Assert.True(delete.ExitCode == 0, delete.Err);
        Assert.DoesNotContain($"{main.App}-", delete.Out.Replace(branch.App, ""));

        await using var world = await SandboxInspector.OpenAsync(project);
        var left = await SandboxInspector.ResourcesAsync(world, main);
        Assert.Contains(left, r => r.StartsWith("server "));
        Assert.Contains(left, r => r.StartsWith("network "));
        Assert.DoesNotContain(await world.Cloud.ListServersAsync(default), s => s.Name.StartsWith(branch.App + "-"));
        Assert.Null(await world.Cloud.FindNetworkAsync(branch.Network, default));
    }
}
