using Nvoi.Operations.Progress;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nvoi.Cli.Rendering;

/// <summary>
/// The terminal view: the plan table, a live tree of steps (spinner and running time while a step
/// runs, ✓/✗ and its duration when it ends, its latest message beneath), warnings, and the URLs.
/// Events may arrive from any thread; the display refreshes on a timer from the injected TimeProvider.
/// </summary>
public sealed class RichProgressRenderer : ProgressRenderer
{
    private readonly IAnsiConsole _console;
    private readonly TimeProvider _time;
    private readonly bool _verbose;
    private readonly TimeSpan _refresh;
    private readonly StepTracker _tracker = new();
    private readonly object _gate = new();
    private static readonly Spinner Spinner = Spinner.Known.Dots;

    /// <param name="refreshInterval">How often the live display redraws (default 100 ms).</param>
    public RichProgressRenderer(IAnsiConsole console, TimeProvider time, bool verbose = false, TimeSpan? refreshInterval = null)
    {
        _console = console;
        _time = time;
        _verbose = verbose;
        _refresh = refreshInterval ?? TimeSpan.FromMilliseconds(100);
    }

    public override void Report(ProgressEvent e)
    {
        var at = e.At == default ? _time.GetUtcNow() : e.At;
        lock (_gate) _tracker.Apply(e, at);
    }

    /// <summary>
    /// Shows a live display while <paramref name="work"/> runs, then leaves the final view on screen.
    /// A console without ANSI (no cursor movement) gets only the final view.
    /// </summary>
    public override async Task<T> RunAsync<T>(Func<IProgressSink, Task<T>> work)
    {
        if (!_console.Profile.Capabilities.Ansi)
        {
            try { return await work(this); }
            finally { _console.Write(Render()); }
        }

        Task<T>? task = null;
        await _console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis)
            .Cropping(VerticalOverflowCropping.Top)
            .StartAsync(async ctx =>
            {
                using var stop = new CancellationTokenSource();
                var tick = Task.Delay(_refresh, _time, stop.Token); // armed before the work starts
                task = Task.Run(() => work(this));
                while (!task.IsCompleted)
                {
                    await Task.WhenAny(task, tick);
                    ctx.UpdateTarget(Render());
                    ctx.Refresh();
                    Redrawn?.Invoke();
                    tick = Task.Delay(_refresh, _time, stop.Token);
                }
                stop.Cancel();
                ctx.UpdateTarget(Render());
                ctx.Refresh();
            });
        MarkPrinted();
        return await task!;
    }

    // What an earlier live display left on screen is not drawn again by the next one
    // (deploy shows the plan, may ask a question, then runs a second display).
    private bool _planPrinted;
    private readonly HashSet<StepState> _printedRoots = [];
    private int _printedNotes;

    private void MarkPrinted()
    {
        lock (_gate)
        {
            _planPrinted = _tracker.Plan is not null;
            foreach (var root in _tracker.Roots.Where(r => r.EndedAt is not null)) _printedRoots.Add(root);
            _printedNotes = _tracker.Notes.Count;
        }
    }

    /// <summary>Raised after each live redraw (tests await it instead of sleeping).</summary>
    internal event Action? Redrawn;

    /// <summary>The view as of now.</summary>
    public IRenderable Render() => Render(_time.GetUtcNow());

    /// <summary>The view as of <paramref name="now"/> (running steps show time since they started).</summary>
    public IRenderable Render(DateTimeOffset now)
    {
        lock (_gate)
        {
            var parts = new List<IRenderable>();
            if (_tracker.Plan is { } plan && !_planPrinted)
            {
                if (plan.Actions.Count > 0) parts.Add(PlanPrinter.ToTable(plan));
                parts.Add(new Markup(Markup.Escape(PlanPrinter.Summary(plan))));
            }
            var roots = _tracker.Roots.Where(r => !_printedRoots.Contains(r)).ToList();
            if (roots.Count > 0)
            {
                var tree = new Tree("[bold]nvoi[/]").Guide(TreeGuide.Line);
                foreach (var step in roots) AddStep(tree.AddNode(StepLine(step, now)), step, now);
                parts.Add(tree);
            }
            foreach (var (level, _, text) in _tracker.Notes.Skip(_printedNotes))
            {
                if (level == MessageLevel.Detail && !_verbose) continue;
                parts.Add(new Markup(level == MessageLevel.Warning
                    ? $"[yellow]warning:[/] {Markup.Escape(text)}"
                    : $"[grey]{Markup.Escape(text)}[/]"));
            }
            if (_tracker.Urls is { } urls)
            {
                parts.Add(new Markup("[green]✓[/] [bold]Deployed[/]"));
                foreach (var url in urls) parts.Add(new Markup("  " + Markup.Escape(url)));
            }
            return new Rows(parts);
        }
    }

    private void AddStep(TreeNode node, StepState step, DateTimeOffset now)
    {
        foreach (var child in step.Children) AddStep(node.AddNode(StepLine(child, now)), child, now);
        if (step.Status == StepStatus.Running && step.LastMessage is { } message)
            node.AddNode(new Markup($"[grey]{Markup.Escape(Truncate(message))}[/]"));
    }

    private static IRenderable StepLine(StepState step, DateTimeOffset now)
    {
        var title = Markup.Escape(step.Title);
        var elapsed = ProgressRendering.FormatDuration((step.EndedAt ?? now) - step.StartedAt);
        var result = string.IsNullOrEmpty(step.Result) ? "" : ": " + Markup.Escape(step.Result);
        return new Markup(step.Status switch
        {
            StepStatus.Done => $"[green]✓[/] {title}{result} [grey]{elapsed}[/]",
            StepStatus.Failed => $"[red]✗ {title}[/]{result} [grey]{elapsed}[/]",
            _ => $"[yellow]{Markup.Escape(SpinnerFrame(now - step.StartedAt))}[/] {title} [grey]{elapsed}[/]",
        });
    }

    private static string SpinnerFrame(TimeSpan running)
    {
        var frames = Spinner.Frames;
        var index = running <= TimeSpan.Zero ? 0 : (int)(running.Ticks / Spinner.Interval.Ticks % frames.Count);
        return frames[index];
    }

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..99] + "…";
}
