using System.Globalization;
using Nvoi.Operations.Progress;

namespace Nvoi.Cli.Rendering;

/// <summary>
/// One line per event, no ANSI, for logs and pipes: <c>[  2.3s] ✓ servers: created 3</c>.
/// The time is since the renderer was created; nested steps are indented two spaces a level.
/// Detail messages (build output) only with <c>verbose</c>.
/// </summary>
public sealed class PlainProgressRenderer : ProgressRenderer
{
    private readonly TextWriter _out;
    private readonly TimeProvider _time;
    private readonly bool _verbose;
    private readonly DateTimeOffset _start;
    private readonly StepTracker _tracker = new();
    private readonly object _gate = new();

    public PlainProgressRenderer(TextWriter output, TimeProvider time, bool verbose = false)
    {
        _out = output;
        _time = time;
        _verbose = verbose;
        _start = time.GetUtcNow();
    }

    public override void Report(ProgressEvent e)
    {
        var at = e.At == default ? _time.GetUtcNow() : e.At;
        lock (_gate)
        {
            var step = _tracker.Apply(e, at);
            var prefix = string.Create(CultureInfo.InvariantCulture, $"[{Math.Max(0, (at - _start).TotalSeconds),5:0.0}s] ");
            var indent = new string(' ', 2 * (step?.Depth ?? 0));
            switch (e)
            {
                case StepStarted s:
                    Write(prefix + indent + "→ " + s.Title);
                    break;
                case StepFinished f:
                    Write(prefix + indent + "✓ " + step!.Title + (string.IsNullOrEmpty(f.Detail) ? "" : ": " + f.Detail));
                    break;
                case StepFailed f:
                    Write(prefix + indent + "✗ " + step!.Title + ": " + f.Error);
                    break;
                case ProgressMessage m when m.Level != MessageLevel.Detail || _verbose:
                    var label = m.Level == MessageLevel.Warning ? "warning: " : "";
                    Write(prefix + (step is null ? "" : indent + "  ") + "· " + label + m.Text);
                    break;
                case PlanComputed p:
                    Write(prefix + "plan: " + PlanPrinter.Summary(p.Plan));
                    foreach (var line in PlanPrinter.PlainLines(p.Plan)) Write("  " + line);
                    break;
                case RunCompleted c:
                    Write(prefix + "done");
                    foreach (var url in c.Urls) Write("  " + url);
                    break;
            }
        }
    }

    private void Write(string line)
    {
        _out.WriteLine(line);
        _out.Flush();
    }
}
