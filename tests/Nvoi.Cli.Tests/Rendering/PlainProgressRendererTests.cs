using Nvoi.Cli.Rendering;
using Nvoi.Operations.Progress;

namespace Nvoi.Cli.Tests.Rendering;

public class PlainProgressRendererTests
{
    [Fact]
    public void Scripted_run_prints_one_stable_line_per_event()
    {
        var output = new StringWriter();
        var renderer = new PlainProgressRenderer(output, ProgressScript.NewTime());
        foreach (var e in ProgressScript.Events) renderer.Report(e);

        Assert.Equal("""
            [  0.0s] plan: Plan: 1 to create, 1 to update, 1 to delete.
              ACTION  KIND        NAME            REASON
              create  server      myapp-master-1  not found
              update  deployment  myapp-web       image changed
              none    network     myapp-network   exists
              delete  volume      myapp-old       no longer in config
            [  0.1s] → Infrastructure
            [  0.2s]   → servers
            [  0.2s]   → volumes
            [  0.7s]     · attaching myapp-data
            [  2.3s]   ✓ servers: created 3
            [  2.4s] · warning: server type cx22 is deprecated
            [  3.0s]   ✗ volumes: volume myapp-data did not attach
            [  3.1s] ✗ Infrastructure: 1 step failed
            [  3.2s] done
              https://app.example.com
              https://api.example.com

            """.ReplaceLineEndings(), output.ToString());
        Assert.DoesNotContain("\u001b", output.ToString());
    }

    [Fact]
    public void Verbose_shows_detail_messages()
    {
        var output = new StringWriter();
        var renderer = new PlainProgressRenderer(output, ProgressScript.NewTime(), verbose: true);
        foreach (var e in ProgressScript.Events) renderer.Report(e);
        Assert.Contains("[  0.5s]     · creating myapp-master-1" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void Events_without_a_time_use_the_time_provider()
    {
        var output = new StringWriter();
        var time = ProgressScript.NewTime();
        var renderer = new PlainProgressRenderer(output, time);
        time.Advance(TimeSpan.FromSeconds(12.34));
        renderer.Report(new StepStarted("k3s", null, "k3s"));
        time.Advance(TimeSpan.FromSeconds(65));
        renderer.Report(new StepFinished("k3s"));
        Assert.Equal($"[ 12.3s] → k3s{Environment.NewLine}[ 77.3s] ✓ k3s{Environment.NewLine}", output.ToString());
    }

    [Fact]
    public void Parallel_reports_never_tear_lines()
    {
        var output = new StringWriter();
        var renderer = new PlainProgressRenderer(output, ProgressScript.NewTime());
        Parallel.For(0, 200, i =>
        {
            renderer.Report(new StepStarted($"s{i}", null, $"step {i}") { At = ProgressScript.T0 });
            renderer.Report(new StepFinished($"s{i}", "ok") { At = ProgressScript.T0.AddSeconds(1) });
        });
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(400, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\[  [01]\.0s\] (→ step \d+|✓ step \d+: ok)$", l));
        for (var i = 0; i < 200; i++)
            Assert.True(Array.IndexOf(lines, $"[  0.0s] → step {i}") < Array.IndexOf(lines, $"[  1.0s] ✓ step {i}: ok"));
    }
}
