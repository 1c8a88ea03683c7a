using System.Text.Json;
using Nvoi.Cli.Tests.Deploy;
using Nvoi.Configuration;
using Nvoi.Hosts;
using k8s;

namespace Nvoi.Cli.Tests.DayTwo;

/// <summary>unlock, logs and exec against one deployed cluster (master + two workers).</summary>
public class DayTwoSandboxTests(DeployedCluster cluster) : IClassFixture<DeployedCluster>
{
    private SandboxProject Project => cluster.Project;

    /// <summary>`nvoi exec OPTIONS -- ARGV` with the project's config and --sandbox before the --.</summary>
    private Task<CliResult> ExecAsync(string[] options, params string[] argv) =>
        Project.Run.RunAsync(["exec", .. options, "-c", "deploy.yml", "--sandbox", "--", .. argv]);

    /// <summary>`nvoi run APP -- ARGV` (options before the --), with <paramref name="stdin"/> as its input; no secret may be printed.</summary>
    private async Task<CliResult> RunInPodAsync(string app, string[] options, string stdin, params string[] argv)
    {
        var result = await Project.Run.RunWithInputAsync(stdin, ["run", app, .. options, "-c", "deploy.yml", "--sandbox", "--", .. argv]);
        foreach (var secret in Project.SecretValues().Where(v => v.Length >= 8)) Assert.DoesNotContain(secret, result.All);
        return result;
    }

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
        Assert.Contains("no app or service named 'api'", result.Err);
        Assert.Contains("the apps are: jobs, web; the services are: redis; the database is db", result.Err);

        var since = await Project.NvoiAsync("logs", "web", "--since", "ten minutes");
        Assert.Equal(2, since.ExitCode);
        Assert.Contains("--since 'ten minutes' is not a duration", since.Err);
    }

    [Fact]
    public async Task Logs_of_the_database_and_of_an_extra_service()
    {
        var db = await Project.NvoiAsync("logs", "db");
        Assert.True(db.ExitCode == 0, db.Err);
        Assert.Contains("[db-saas-0] [sandbox] postgres started from postgres:16-alpine", db.Out);
        Assert.Equal(db.Out, (await Project.NvoiAsync("logs", "database")).Out);

        var redis = await Project.NvoiAsync("logs", "redis", "--json");
        Assert.True(redis.ExitCode == 0, redis.Err);
        var lines = redis.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith("saas-redis-", l.GetProperty("pod").GetString()));
        Assert.Contains(lines, l => l.GetProperty("line").GetString()!.Contains("started from redis:7-alpine"));
    }

    [Fact]
    public async Task Logs_since_a_duration_keep_only_the_newer_lines()
    {
        var all = await Project.NvoiAsync("logs", "web", "--since", "1h");
        Assert.True(all.ExitCode == 0, all.Err);
        Assert.NotEmpty(all.Out.Trim());
        // Two hours after the deploy, its lines are older than one hour but newer than three.
        Project.Run.Time = new ShiftedTime(TimeSpan.FromHours(2));
        try
        {
            var recent = await Project.NvoiAsync("logs", "web", "--since", "1h");
            Assert.True(recent.ExitCode == 0, recent.Err);
            Assert.Equal("", recent.Out);
            var wider = await Project.NvoiAsync("logs", "web", "--since", "2h59m");
            Assert.Equal(all.Out, wider.Out);
        }
        finally
        {
            Project.Run.Time = TimeProvider.System;
        }
    }

    [Fact]
    public async Task Previous_logs_of_a_container_that_never_restarted_say_there_are_none()
    {
        var result = await Project.NvoiAsync("logs", "web", "--previous");
        Assert.True(result.ExitCode == 0, result.Err);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 2, result.Out);
        Assert.All(lines, l => Assert.Matches(@"^\[saas-web-\S+\] \(no log: previous terminated container ""app"" in pod ""saas-web-\S+"" not found\)$", l));
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

    [Fact]
    public async Task Run_streams_the_command_output_and_passes_its_exit_code_on()
    {
        var hello = await RunInPodAsync("web", [], "", "echo", "hello", "from", "the", "pod");
        Assert.True(hello.ExitCode == 0, hello.Err);
        Assert.Equal("hello from the pod\n", hello.Out);

        var exit = await RunInPodAsync("web", [], "", "sh", "-c", "exit 3");
        Assert.Equal(3, exit.ExitCode);

        // The app's env reaches the command (from the app Secret, by reference).
        var env = await RunInPodAsync("jobs", [], "", "printenv", "REDIS_URL");
        Assert.True(env.ExitCode == 0, env.Err);
        Assert.Equal("redis://saas-redis:6379\n", env.Out);

        var missing = await RunInPodAsync("web", [], "", "rake", "nothing");
        Assert.Equal(127, missing.ExitCode);
        Assert.Contains("sandbox: rake: not simulated", missing.Out);

        Assert.Empty(await RunPodsAsync());
    }

    [Fact]
    public async Task Run_with_stdin_sends_the_input_to_the_command_and_closes_it_at_the_end()
    {
        var cat = await RunInPodAsync("web", ["-i"], "line one\nline two\n", "cat");
        Assert.True(cat.ExitCode == 0, cat.Err);
        Assert.Equal("line one\nline two\n", cat.Out);

        var failing = await RunInPodAsync("web", ["-i"], "ignored\n", "sh", "-c", "exit 5");
        Assert.Equal(5, failing.ExitCode);

        var empty = await RunInPodAsync("web", ["-i"], "", "cat");
        Assert.True(empty.ExitCode == 0, empty.Err);
        Assert.Equal("", empty.Out);

        Assert.Empty(await RunPodsAsync());
    }

    [Fact]
    public async Task Run_interrupted_while_the_command_reads_its_input_deletes_the_pod()
    {
        var config = SandboxInspector.Config(Project);
        await using var world = await SandboxInspector.OpenAsync(Project);
        var input = new System.IO.Pipelines.Pipe(); // never completed: the command waits for more
        await input.Writer.WriteAsync("first line\n"u8.ToArray());
        using var cts = new CancellationTokenSource();
        var echoed = new System.Text.StringBuilder();
        var run = Nvoi.Operations.AppRun.RunAsync(config, world, "web", ["cat"], input.Reader.AsStream(), (_, text) =>
        {
            lock (echoed) echoed.Append(text);
            if (echoed.ToString().Contains("first line\n")) cts.Cancel(); // Ctrl-C once the command answered
        }, cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal("first line\n", echoed.ToString());
        Assert.Empty(await RunPodsAsync());
    }

    [Fact]
    public async Task Run_pod_comes_from_the_app_template_without_probes_ports_traffic_or_secret_values()
    {
        var config = SandboxInspector.Config(Project);
        await using var world = await SandboxInspector.OpenAsync(Project);
        await using var cluster = await Nvoi.Operations.ClusterConnection.OpenAsync(world, new Nvoi.Operations.Deploy.DesiredState(config), default);
        var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("saas-web", "default");
        var pod = Nvoi.Cluster.OneOffPod.FromDeployment(deployment, "saas", "web", ["bin/rails", "console"], stdin: true);

        Assert.StartsWith("saas-web-run-", pod.Metadata.Name);
        Assert.Equal("web", pod.Metadata.Labels["nvoi.io/run"]);
        Assert.False(pod.Metadata.Labels.ContainsKey("app"), "a run pod must not be selected by the app's Service");
        Assert.Equal("Never", pod.Spec.RestartPolicy);
        var container = Assert.Single(pod.Spec.Containers);
        Assert.Equal(deployment.Spec.Template.Spec.Containers[0].Image, container.Image);
        Assert.Equal(["bin/rails", "console"], container.Command);
        Assert.Null(container.ReadinessProbe);
        Assert.Null(container.LivenessProbe);
        Assert.Null(container.Ports);
        Assert.True(container.Stdin == true && container.StdinOnce == true);
        Assert.Contains(container.Env, e => e.Name == "SECRET_KEY_BASE" && e.ValueFrom?.SecretKeyRef?.Name == "app-secret-saas");
        var json = k8s.KubernetesJson.Serialize(pod);
        foreach (var secret in Project.SecretValues()) Assert.DoesNotContain(secret, json);
        Assert.NotNull(deployment.Spec.Template.Spec.Containers[0].ReadinessProbe); // the template is left as it was
    }

    [Fact]
    public async Task Run_refuses_an_unknown_app_no_command_and_json()
    {
        var unknown = await RunInPodAsync("api", [], "", "true");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no app named 'api'", unknown.Err);

        var none = await Project.NvoiAsync("run", "web");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("no command given", none.Err);

        var json = await RunInPodAsync("web", ["--json"], "", "true");
        Assert.Equal(2, json.ExitCode);
    }

    /// <summary>Pods nvoi run left behind (it deletes each one when its command ends).</summary>
    private async Task<IReadOnlyList<string>> RunPodsAsync()
    {
        var config = SandboxInspector.Config(Project);
        await using var world = await SandboxInspector.OpenAsync(Project);
        await using var cluster = await Nvoi.Operations.ClusterConnection.OpenAsync(world, new Nvoi.Operations.Deploy.DesiredState(config), default);
        var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: Nvoi.Cluster.OneOffPod.RunLabel);
        return pods.Items.Select(p => p.Metadata.Name).ToList();
    }
}
