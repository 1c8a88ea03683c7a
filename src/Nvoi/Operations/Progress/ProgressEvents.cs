namespace Nvoi.Operations.Progress;

/// <summary>
/// What the engine reports while it works. The engine never writes to a console: the CLI renders
/// these as a live step tree (terminal), plain lines (--plain, no TTY) or NDJSON (--json).
/// Texts never contain secret values.
/// </summary>
public abstract record ProgressEvent
{
    public DateTimeOffset At { get; init; }
}

/// <summary>A step began. Steps nest through <see cref="ParentId"/>; ids are unique within a run.</summary>
public sealed record StepStarted(string Id, string? ParentId, string Title) : ProgressEvent;

/// <summary>A step ended well; <see cref="Detail"/> is a short result ("created", "exists", "3 servers").</summary>
public sealed record StepFinished(string Id, string? Detail = null) : ProgressEvent;

/// <summary>A step failed; the error is one line.</summary>
public sealed record StepFailed(string Id, string Error) : ProgressEvent;

public enum MessageLevel { Info, Warning, Detail }

/// <summary>A line of information, optionally under a step.</summary>
public sealed record ProgressMessage(string? StepId, MessageLevel Level, string Text) : ProgressEvent;

/// <summary>The plan was computed (shown before anything changes).</summary>
public sealed record PlanComputed(Plan Plan) : ProgressEvent;

/// <summary>The run finished; the public URLs of the deployment.</summary>
public sealed record RunCompleted(IReadOnlyList<string> Urls) : ProgressEvent;

/// <summary>Receives progress events; implementations must be thread-safe (steps run in parallel).</summary>
public interface IProgressSink
{
    void Report(ProgressEvent e);
}

/// <summary>Discards everything.</summary>
public sealed class NullProgressSink : IProgressSink
{
    public static readonly NullProgressSink Instance = new();
    public void Report(ProgressEvent e) { }
}
