using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Nvoi.Cli.Tests.DayTwo;
using Nvoi.Configuration;
using Nvoi.Hosts;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>
/// The real `nvoi` process, deploying to the sandbox, stopped by a signal while it holds the deploy lock: it cancels,
/// releases the lock and exits 130; a re-run converges. The deploy is held at a known point without any sleep: its
/// Dockerfile is a FIFO, so hashing the build context waits (after the lock is taken) until the test writes it.
/// </summary>
public class SignalTests
{
    [Theory]
    [InlineData("SIGINT")]
    [InlineData("SIGTERM")]
    [InlineData("SIGHUP")]
    public async Task A_signal_mid_deploy_releases_the_lock_exits_130_and_a_rerun_converges(string name)
    {
        using var project = new SandboxProject("hetzner-postgres");
        var dockerfile = project.Run.PathOf("Dockerfile");
        var content = await File.ReadAllTextAsync(dockerfile);
        File.Delete(dockerfile);
        using (var mkfifo = Process.Start("mkfifo", [dockerfile])) await mkfifo.WaitForExitAsync();

        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "nvoi"), ["deploy", "--yes", "-c", "deploy.yml", "--sandbox", "--plain"])
        {
            WorkingDirectory = project.Run.Dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Environment.ProcessPath)!;
        using var child = Process.Start(start)!;
        var stdout = new Lines(child.StandardOutput);
        var stderr = new Lines(child.StandardError);
        Task feed = Task.CompletedTask;
        try
        {
            await stdout.WaitForAsync(l => l.Contains("✓ Take the deploy lock: taken", StringComparison.Ordinal));
            using (var kill = Process.Start("kill", ["-s", name[3..], child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }
            await stderr.WaitForAsync(l => l.StartsWith($"{name} received: stopping", StringComparison.Ordinal));
        }
        finally
        {
            // Lets the held build context read go on: the deploy meets its cancelled token at the next step. A deploy
            // that stops before it reads leaves this writer waiting for a reader; it is released below.
            feed = Task.Run(() => File.WriteAllText(dockerfile, content));
        }
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        // Opening the fifo read-write never blocks and makes a reader: the writer (started or not) goes on.
        using (new FileStream(dockerfile, FileMode.Open, FileAccess.ReadWrite))
            await feed.WaitAsync(TimeSpan.FromMinutes(1));
        await Task.WhenAll(stdout.Done, stderr.Done);
        Assert.True(child.ExitCode == 130, $"exit {child.ExitCode}\n{stdout}\n{stderr}");
        Assert.Contains("✓ Release the deploy lock: released", stdout.ToString());
        Assert.DoesNotContain("https://shop.example.com", stdout.ToString());
        Assert.EndsWith("cancelled\n", stderr.ToString());

        await using (var world = await SandboxInspector.OpenAsync(project))
        {
            var names = new Names(SandboxInspector.Config(project).Application.Name!);
            Assert.Null(await ServerSetup.ReadDeployLockAsync(world.HostByName(names.Server("master", 1)), names.DeployLockPath));
        }

        File.Delete(dockerfile);
        await File.WriteAllTextAsync(dockerfile, content);
        var rerun = await project.DeployAsync("--plain");
        Assert.True(rerun.ExitCode == 0, rerun.All);
        Assert.Contains("https://shop.example.com", rerun.Out);
        Assert.DoesNotContain(await project.PlanAsync(), a => a.Action != "none");
    }

    /// <summary>A child's stream, line by line, with a wait for the first line that matches (bounded: a hang fails).</summary>
    private sealed class Lines
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waits = [];

        public Lines(StreamReader reader) => Done = Task.Run(async () =>
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                _lines.Enqueue(line);
                lock (_waits)
                    foreach (var w in _waits.Where(w => w.Match(line))) w.Seen.TrySetResult();
            }
            lock (_waits)
                foreach (var w in _waits) w.Seen.TrySetException(new InvalidOperationException("the stream ended first:\n" + this));
        });

        public Task Done { get; }

        public Task WaitForAsync(Func<string, bool> match)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waits)
            {
                if (_lines.Any(match)) return Task.CompletedTask;
                if (Done.IsCompleted) throw new InvalidOperationException("the stream ended first:\n" + this);
                _waits.Add((match, seen));
            }
            return seen.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }

        public override string ToString() => string.Concat(_lines.Select(l => l + "\n"));
    }
}
