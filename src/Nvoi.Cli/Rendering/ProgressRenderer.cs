using Nvoi.Operations.Progress;

namespace Nvoi.Cli.Rendering;

/// <summary>
/// Shows engine progress events in one output mode. Thread-safe: steps report from parallel tasks.
/// Wrap the engine call in <see cref="RunAsync{T}"/> so the rich renderer can drive its live display.
/// </summary>
public abstract class ProgressRenderer : IProgressSink
{
    public abstract void Report(ProgressEvent e);

    /// <summary>Runs <paramref name="work"/> with this renderer as its sink; returns its result (or rethrows).</summary>
    public virtual Task<T> RunAsync<T>(Func<IProgressSink, Task<T>> work) => work(this);

    /// <summary>Runs <paramref name="work"/> with this renderer as its sink.</summary>
    public Task RunAsync(Func<IProgressSink, Task> work) => RunAsync<bool>(async sink =>
    {
        await work(sink);
        return true;
    });
}

/// <summary>Creates the renderer for an <see cref="Output"/>'s mode.</summary>
public static class ProgressRendering
{
    /// <summary>Rich: live step tree on <see cref="Output.Console"/>; Plain (or Rich without ANSI): lines on stdout; Json: NDJSON on stdout.</summary>
    public static ProgressRenderer CreateProgress(this Output output, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        return output.Mode switch
        {
            // A live display needs cursor movement; without ANSI (--no-color) a terminal gets plain lines.
            OutputMode.Rich when output.Console.Profile.Capabilities.Ansi => new RichProgressRenderer(output.Console, time, output.Verbose),
            OutputMode.Rich or OutputMode.Plain => new PlainProgressRenderer(output.Stdout, time, output.Verbose),
            _ => new JsonProgressRenderer(output.Stdout, time),
        };
    }

    /// <summary>"0.4s", "12.3s", "2m05s".</summary>
    public static string FormatDuration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        return span.TotalSeconds < 60
            ? $"{Math.Floor(span.TotalSeconds * 10) / 10:0.0}s"
            : $"{(int)span.TotalMinutes}m{span.Seconds:00}s";
    }
}
