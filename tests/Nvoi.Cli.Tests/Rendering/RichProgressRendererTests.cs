using Nvoi.Cli.Rendering;
using Nvoi.Operations.Progress;
using Spectre.Console.Testing;

namespace Nvoi.Cli.Tests.Rendering;

public class RichProgressRendererTests
{
    private static TestConsole NewConsole(bool ansi = false)
    {
        var console = new TestConsole();
        console.Profile.Width = 100;
        console.EmitAnsiSequences = ansi;
        console.Profile.Capabilities.Ansi = ansi;
        return console;
    }

    private static string[] Lines(TestConsole console) => console.Output.Split('\n').Select(l => l.TrimEnd()).ToArray();

    [Fact]
    public void Running_steps_show_spinner_elapsed_time_and_latest_message()
    {
        var console = NewConsole();
        var renderer = new RichProgressRenderer(console, ProgressScript.NewTime());
        foreach (var e in ProgressScript.Events.Take(6)) renderer.Report(e);

        console.Write(renderer.Render(ProgressScript.T0.AddSeconds(1.5)));

        var lines = Lines(console);
        Assert.Contains("Plan: 1 to create, 1 to update, 1 to delete.", lines);
        var tree = lines.SkipWhile(l => l != "nvoi").ToArray();
        Assert.Equal(
        [
            "nvoi",
            "└── ⠧ Infrastructure 1.4s",
            "    ├── ⠦ servers 1.3s",
            "    │   └── creating myapp-master-1",
            "    └── ⠦ volumes 1.3s",
            "        └── attaching myapp-data",
            "",
        ], tree);
    }

    [Fact]
    public void Spinner_turns_with_time()
    {
        var renderer = new RichProgressRenderer(NewConsole(), ProgressScript.NewTime());
        renderer.Report(new StepStarted("k3s", null, "k3s") { At = ProgressScript.T0 });
        var frames = Enumerable.Range(0, 3).Select(i =>
        {
            var console = NewConsole();
            console.Write(renderer.Render(ProgressScript.T0.AddMilliseconds(80 * i)));
            return Lines(console)[1];
        }).ToArray();
        Assert.Equal(["└── ⠋ k3s 0.0s", "└── ⠙ k3s 0.0s", "└── ⠹ k3s 0.1s"], frames);
    }

    [Fact]
    public void Final_view_shows_results_durations_failure_warning_and_urls()
    {
        var console = NewConsole();
        var renderer = new RichProgressRenderer(console, ProgressScript.NewTime());
        foreach (var e in ProgressScript.Events) renderer.Report(e);

        console.Write(renderer.Render(ProgressScript.T0.AddSeconds(60)));

        Assert.Equal(
        [
            "nvoi",
            "└── ✗ Infrastructure: 1 step failed 3.0s",
            "    ├── ✓ servers: created 3 2.1s",
            "    └── ✗ volumes: volume myapp-data did not attach 2.8s",
            "warning: server type cx22 is deprecated",
            "✓ Deployed",
            "  https://app.example.com",
            "  https://api.example.com",
            "",
        ], Lines(console).SkipWhile(l => l != "nvoi"));
        Assert.Contains(Lines(console), l => l.StartsWith("│ delete │ volume     │ myapp-old"));
    }

    [Fact]
    public async Task Without_ansi_RunAsync_prints_the_final_view_once()
    {
        var console = NewConsole();
        var renderer = new RichProgressRenderer(console, ProgressScript.NewTime());

        var result = await renderer.RunAsync(async sink =>
        {
            await Task.Yield();
            foreach (var e in ProgressScript.Events) sink.Report(e);
            return 42;
        });

        Assert.Equal(42, result);
        Assert.Single(Lines(console), l => l == "nvoi");
        Assert.Contains("    ├── ✓ servers: created 3 2.1s", Lines(console));
    }

    [Fact]
    public async Task Live_display_redraws_on_the_timer_and_keeps_the_final_view()
    {
        var console = NewConsole(ansi: true);
        var time = ProgressScript.NewTime();
        var renderer = new RichProgressRenderer(console, time, refreshInterval: TimeSpan.FromMilliseconds(100));
        var redraws = new SemaphoreSlim(0);
        renderer.Redrawn += () => redraws.Release();
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource();

        var run = renderer.RunAsync(async sink =>
        {
            sink.Report(new StepStarted("build", null, "build image") { At = ProgressScript.T0 });
            started.SetResult();
            await finish.Task;
            sink.Report(new StepFinished("build", "pushed") { At = ProgressScript.T0.AddSeconds(2) });
        });

        await started.Task;
        time.Advance(TimeSpan.FromMilliseconds(1200));
        Assert.True(await redraws.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("build image", console.Output);
        Assert.Contains("1.2s", console.Output);
        finish.SetResult();
        await run;

        Assert.Contains("✓", console.Output);
        Assert.Contains("build image: pushed", console.Output);
        Assert.Contains("\u001b[", console.Output); // cursor movement / colors of the live display
    }

    [Fact]
    public async Task Failing_work_rethrows_after_showing_the_failure()
    {
        var console = NewConsole();
        var renderer = new RichProgressRenderer(console, ProgressScript.NewTime());

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => renderer.RunAsync(async sink =>
        {
            await Task.Yield();
            sink.Report(new StepStarted("k3s", null, "k3s") { At = ProgressScript.T0 });
            sink.Report(new StepFailed("k3s", "node not Ready") { At = ProgressScript.T0.AddSeconds(5) });
            throw new InvalidOperationException("boom");
        }));

        Assert.Equal("boom", ex.Message);
        Assert.Contains("└── ✗ k3s: node not Ready 5.0s", Lines(console));
    }

    [Fact]
    public async Task Parallel_reports_while_rendering_are_safe()
    {
        var renderer = new RichProgressRenderer(NewConsole(), ProgressScript.NewTime());
        renderer.Report(new StepStarted("root", null, "root") { At = ProgressScript.T0 });
        var reporting = Task.Run(() => Parallel.For(0, 500, i =>
        {
            renderer.Report(new StepStarted($"s{i}", "root", $"step {i}") { At = ProgressScript.T0 });
            renderer.Report(new ProgressMessage($"s{i}", MessageLevel.Detail, "line") { At = ProgressScript.T0 });
            renderer.Report(new StepFinished($"s{i}") { At = ProgressScript.T0.AddSeconds(1) });
        }));
        while (!reporting.IsCompleted)
        {
            var console = NewConsole();
            console.Write(renderer.Render(ProgressScript.T0.AddSeconds(1)));
        }
        await reporting;
        var final = NewConsole();
        final.Write(renderer.Render(ProgressScript.T0.AddSeconds(1)));
        Assert.Equal(500, Lines(final).Count(l => l.Contains("✓ step ")));
    }

    [Fact]
    public void Factory_picks_the_renderer_for_the_mode()
    {
        Output Make(OutputMode mode, bool color) => new(new StringWriter(), new StringWriter(), mode, color, verbose: false, interactive: false);
        Assert.IsType<RichProgressRenderer>(Make(OutputMode.Rich, color: true).CreateProgress());
        Assert.IsType<PlainProgressRenderer>(Make(OutputMode.Rich, color: false).CreateProgress());
        Assert.IsType<PlainProgressRenderer>(Make(OutputMode.Plain, color: true).CreateProgress());
        Assert.IsType<JsonProgressRenderer>(Make(OutputMode.Json, color: true).CreateProgress());
    }

    [Theory]
    [InlineData(0, "0.0s")]
    [InlineData(2349, "2.3s")]
    [InlineData(59_990, "59.9s")]
    [InlineData(125_000, "2m05s")]
    [InlineData(-5, "0.0s")]
    public void Durations(int ms, string text) =>
        Assert.Equal(text, ProgressRendering.FormatDuration(TimeSpan.FromMilliseconds(ms)));
}
