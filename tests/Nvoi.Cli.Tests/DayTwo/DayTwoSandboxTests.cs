using System.Text.Json;
using Nvoi.Cli.Tests.Deploy;
using Nvoi.Configuration;
using Nvoi.Hosts;

namespace Nvoi.Cli.Tests.DayTwo;

/// <summary>unlock, logs and exec against one deployed cluster (master + two workers).</summary>
public class DayTwoSandboxTests(DeployedCluster cluster) : IClassFixture<DeployedCluster>
{
    private SandboxProject Project => cluster.Project;

    /// <summary>`nvoi exec OPTIONS -- ARGV` with the project's config and --sandbox before the --.</summary>
    private Task<CliResult> ExecAsync(string[] options, params string[] argv) =>
        Project.Run.RunAsync(["exec", .. options, "-c", "deploy.yml", "--sandbox", "--", .. argv]);

    [Fact]
    public async Task Exec_streams_piped_input_to_the_command()
    {
        var result = await Project.Run.RunWithInputAsync("line one\nline two\n", "exec", "-c", "deploy.yml", "--sandbox", "--", "cat");
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Equal("line one\nline two\n", result.Out.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Unlock_without_a_lock_says_so_and_with_one_shows_the_holder_and_removes_it()
    {
        var none = await Project.NvoiAsync("unlock");
        Assert.Equal(0, none.ExitCode);
        Assert.Contains("no lock on saas-master-1", none.Out);

        var names = new Names(SandboxInspector.Config(Project).Application.Name!);
        var since = DateTimeOffset.UtcNow.AddMinutes(-30);
        await using (var world = await SandboxInspector.OpenAsync(Project))
        {
            var master = (await world.Cloud.FindServerAsync("saas-master-1", default))!;
            var taken = await ServerSetup.AcquireDeployLockAsync(world.Host(master), names.DeployLockPath,
                new LockInfo("alice@laptop", since, "9.8.7"), ServerSetup.DefaultLockStaleAfter, default);
            Assert.IsType<LockResult.Acquired>(taken);
        }

        var removed = await Project.NvoiAsync("unlock");
        Assert.True(removed.ExitCode == 0, removed.Err);
        Assert.Contains("removed the deploy lock held by alice@laptop", removed.Out);
        Assert.Contains("nvoi 9.8.7", removed.Out);
        Assert.Contains($"{since:u}"[..16], removed.Out);

        await using (var world = await SandboxInspector.OpenAsync(Project))
        {
            var master = (await world.Cloud.FindServerAsync("saas-master-1", default))!;
            Assert.Null(await ServerSetup.ReadDeployLockAsync(world.Host(master), names.DeployLockPath));
        }
        var json = await Project.NvoiAsync("unlock", "--json");
        Assert.Equal(0, json.ExitCode);
        Assert.False(JsonDocument.Parse(json.Out).RootElement.GetProperty("removed").GetBoolean());
    }

    [Fact]
    public async Task Logs_show_every_pod_of_the_app_prefixed_and_as_ndjson()
    {
        var plain = await Project.NvoiAsync("logs", "web", "-n", "50");
        Assert.True(plain.ExitCode == 0, plain.Err);
        var lines = plain.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith("[saas-web-", l));
        var pods = lines.Select(l => l[1..l.IndexOf(']')]).Distinct().ToList();
        Assert.True(pods.Count >= 2, $"expected the lines of every web pod, got {string.Join(", ", pods)}");

        var json = await Project.NvoiAsync("logs", "web", "--json");
        Assert.Equal(0, json.ExitCode);
        var docs = json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(lines.Length, docs.Count);
        Assert.All(docs, d => Assert.StartsWith("saas-web-", d.GetProperty("pod").GetString()));
        Assert.Equal(lines[0], $"[{docs[0].GetProperty("pod").GetString()}] {docs[0].GetProperty("line").GetString()}");

        var tail = await Project.NvoiAsync("logs", "web", "-n", "1");
        Assert.Equal(pods.Count, tail.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Following_logs_streams_every_pod_until_cancelled()
    {
        var config = SandboxInspector.Config(Project);
        await using var world = await SandboxInspector.OpenAsync(Project);
        using var cts = new CancellationTokenSource();
        var pods = new HashSet<string>();
        await foreach (var line in Nvoi.Operations.AppLogs.StreamAsync(config, world, "web", 1, follow: true, cts.Token))
        {
            Assert.StartsWith("saas-web-", line.Pod);
            pods.Add(line.Pod);
            if (pods.Count == 2) break;
        }
        cts.Cancel();
        Assert.Equal(2, pods.Count);
    }

    [Fact]
    public async Task Logs_of_an_unknown_app_list_the_apps()
    {
        var result = await Project.NvoiAsync("logs", "api");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no app named 'api'", result.Err);
        Assert.Contains("the apps are: jobs, web", result.Err);
    }

    [Fact]
    public async Task Exec_runs_on_the_master_by_default_on_a_named_server_and_returns_the_remote_exit_code()
    {
        var hi = await ExecAsync([], "echo", "hi");
        Assert.Equal(0, hi.ExitCode);
        Assert.Equal("hi\n", hi.Out);

        var host = await ExecAsync(["--server", "workers-2"], "hostname");
        Assert.Equal(0, host.ExitCode);
        Assert.Equal("saas-workers-2\n", host.Out);

        var full = await ExecAsync(["--server", "saas-workers-1"], "hostname");
        Assert.Equal("saas-workers-1\n", full.Out);

        var failed = await ExecAsync([], "false");
        Assert.Equal(1, failed.ExitCode);

        var unknown = await ExecAsync(["--server", "workers-9"], "true");
        Assert.Equal(2, unknown.ExitCode); // a name the config does not have: invalid input
        Assert.Contains("unknown server 'workers-9'", unknown.Err);
        Assert.Contains("workers-2", unknown.Err);
    }

    [Fact]
    public async Task Exec_all_runs_on_every_server_with_prefixes_and_reports_failures()
    {
        var all = await ExecAsync(["--all"], "hostname");
        Assert.True(all.ExitCode == 0, all.Err);
        var lines = all.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["[saas-master-1] saas-master-1", "[saas-workers-1] saas-workers-1", "[saas-workers-2] saas-workers-2"], lines);

        var failing = await ExecAsync(["--all"], "false");
        Assert.Equal(1, failing.ExitCode);
        Assert.Contains("failed on 3 of 3 servers", failing.Err);
    }

    [Fact]
    public async Task Exec_interactive_is_not_available_for_simulated_hosts()
    {
        var result = await Project.NvoiAsync("exec", "-i");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not available for simulated hosts", result.Err);

        var retrust = await ExecAsync(["--retrust-host-key"], "true");
        Assert.Equal(2, retrust.ExitCode);
        Assert.Contains("does not apply to simulated hosts", retrust.Err);

        var none = await ExecAsync([]);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("no command given", none.Err);
    }
}
