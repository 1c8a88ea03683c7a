using System.Text.RegularExpressions;
using Nvoi.Cli.Tests.Deploy;
using Nvoi.Configuration;
using Nvoi.Credentials;

namespace Nvoi.Cli.Tests.Concurrency;

/// <summary>
/// Every writer of deploy.enc reads and writes under deploy.enc.lock: edits from separate processes
/// never lose each other, and a deploy's host-key pins are merged into what is on disk.
/// </summary>
public class ConfigLockTests
{
    private const int Rounds = 50;

    private static async Task<Dictionary<string, string>> EnvOf(CliRun run)
    {
        var show = await run.RunAsync("credentials", "show");
        Assert.True(show.ExitCode == 0, show.Err);
        return ConfigLoader.Load(show.Out).Application.Env;
    }

    [Fact]
    public async Task Env_sets_from_separate_processes_at_once_all_land_in_50_rounds()
    {
        using var run = new CliRun();
        Assert.Equal(0, (await run.RunAsync("config", "init", "--name", "myapp")).ExitCode);
        var expected = new Dictionary<string, string>();
        var waited = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Two child processes at once, and edits from this process for as long as either runs.
            using var a = CliProcess.Start(run.Dir, null, "config", "env", "set", $"A_{round}", $"a{round}");
            using var b = CliProcess.Start(run.Dir, null, "config", "env", "set", $"B_{round}", $"b{round}");
            expected[$"A_{round}"] = $"a{round}";
            expected[$"B_{round}"] = $"b{round}";
            var both = Task.WhenAll(a.Exited, b.Exited);
            // (One key per round, overwritten: the file stays small; its last value must be the one kept.)
            for (var i = 0; !both.IsCompleted; i++)
            {
                var local = await run.RunAsync("config", "env", "set", $"L_{round}", $"l{i}");
                Assert.True(local.ExitCode == 0, local.Err);
                expected[$"L_{round}"] = $"l{i}";
            }
            foreach (var child in new[] { a, b })
            {
                var result = await child.WaitAsync();
                Assert.True(result.ExitCode == 0, $"round {round}: {result.Err}");
                Assert.Contains("saved", result.Out);
                if (result.Err.Contains("held by another nvoi")) waited++;
            }
        }
        var env = await EnvOf(run);
        var lost = expected.Where(e => env.GetValueOrDefault(e.Key) != e.Value).Select(e => e.Key).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {expected.Count} updates lost ({waited} children waited): {string.Join(", ", lost.Take(10))}");
        Assert.True(waited > 0, "no child ever found the lock held: the processes never raced");
    }

    [Fact]
    public async Task A_writer_that_finds_the_lock_held_says_so_once_waits_and_then_lands()
    {
        using var run = new CliRun();
        Assert.Equal(0, (await run.RunAsync("config", "init", "--name", "myapp")).ExitCode);
        var held = CredentialLock.Acquire(run.PathOf("deploy.enc"));
        Assert.Equal(run.PathOf("deploy.enc.lock"), held.LockPath);
        using var child = CliProcess.Start(run.Dir, null, "config", "env", "set", "KEY", "value");
        await child.WaitForStderrAsync("held by another nvoi");
        Assert.False(child.HasExited);
        Assert.DoesNotContain("KEY", await EnvOf(run)); // reading needs no lock; nothing written yet
        held.Dispose();

        var result = await child.WaitAsync();
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Single(Regex.Matches(result.Err, $"waiting for {Regex.Escape(run.PathOf("deploy.enc"))}, held by another nvoi"));
        Assert.Equal("value", (await EnvOf(run))["KEY"]);
    }

    [Fact]
    public async Task Host_key_pins_and_env_sets_race_in_50_rounds_without_losing_either()
    {
        using var run = new CliRun();
        Assert.Equal(0, (await run.RunAsync("config", "init", "--name", "myapp")).ExitCode);
        var hostKey = SshKeyGenerator.GenerateEd25519("host").PublicKey;
        var pinned = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            using var child = CliProcess.Start(run.Dir, null, "config", "env", "set", $"C_{round}", "x");
            // What a deploy does when it pins a new server's key, for as long as the edit runs.
            for (var i = 0; !child.HasExited; i++)
            {
                var file = ConfigFile.Open(run.Dir, null, null, _ => null);
                await Task.Run(() => file.PinHostKey($"srv-{round}-{i}", hostKey));
                pinned.Add($"srv-{round}-{i}");
            }
            var result = await child.WaitAsync();
            Assert.True(result.ExitCode == 0, $"round {round}: {result.Err}");
        }
        var show = await run.RunAsync("credentials", "show");
        var app = ConfigLoader.Load(show.Out).Application;
        var lostEdits = Enumerable.Range(0, Rounds).Select(r => $"C_{r}").Where(k => !app.Env.ContainsKey(k)).ToList();
        var lostPins = pinned.Where(s => app.SshKeys!.HostKeys.GetValueOrDefault(s) != hostKey).ToList();
        Assert.True(lostEdits.Count == 0 && lostPins.Count == 0,
            $"lost {lostEdits.Count} of {Rounds} edits and {lostPins.Count} of {pinned.Count} pins");
    }

    [Fact]
    public async Task A_config_edit_during_a_deploy_loses_neither_the_edit_nor_the_pinned_host_keys()
    {
        using var project = new SandboxProject("hetzner-postgres");
        var dir = project.Run.Dir;
        ConfigFile.Create(dir, Path.Combine(dir, "deploy.enc"), project.ConfigText);
        File.Delete(Path.Combine(dir, "deploy.yml"));

        // The lock is held here while the deploy reaches its first pin and the edit starts: both must wait.
        var held = CredentialLock.Acquire(Path.Combine(dir, "deploy.enc"));
        using var deploy = CliProcess.Start(dir, null, "deploy", "--yes", "--sandbox", "--plain");
        await deploy.WaitForStderrAsync("held by another nvoi");
        using var edit = CliProcess.Start(dir, null, "config", "env", "set", "EDITED", "during-deploy");
        await edit.WaitForStderrAsync("held by another nvoi");
        held.Dispose();

        var edited = await edit.WaitAsync();
        Assert.True(edited.ExitCode == 0, edited.Err);
        var deployed = await deploy.WaitAsync();
        Assert.True(deployed.ExitCode == 0, deployed.Err + deployed.Out);

        var app = ConfigLoader.Load((await project.Run.RunAsync("credentials", "show")).Out).Application;
        Assert.Equal("during-deploy", app.Env["EDITED"]);
        Assert.StartsWith("ssh-ed25519 ", app.SshKeys!.HostKeys["shop-master-1"]);
    }
}
