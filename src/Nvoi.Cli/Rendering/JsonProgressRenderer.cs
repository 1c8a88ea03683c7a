using System.Text.Json;
using Nvoi.Operations.Progress;

namespace Nvoi.Cli.Rendering;

/// <summary>
/// NDJSON on stdout, one object per event, each with a <c>type</c>: step_started, step_finished,
/// step_failed, message, plan, completed. Keys are snake_case; <c>at</c> is ISO 8601.
/// </summary>
public sealed class JsonProgressRenderer(TextWriter output, TimeProvider time) : ProgressRenderer
{
    private readonly object _gate = new();

    public override void Report(ProgressEvent e)
    {
        var line = Serialize(e, e.At == default ? time.GetUtcNow() : e.At);
        if (line is null) return;
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    internal static string? Serialize(ProgressEvent e, DateTimeOffset at)
    {
        var c = ProgressJsonContext.Default;
        return e switch
        {
            StepStarted s => JsonSerializer.Serialize(new StepStartedJson("step_started", s.Id, s.ParentId, s.Title, at), c.StepStartedJson),
            StepFinished f => JsonSerializer.Serialize(new StepFinishedJson("step_finished", f.Id, f.Detail, at), c.StepFinishedJson),
            StepFailed f => JsonSerializer.Serialize(new StepFailedJson("step_failed", f.Id, f.Error, at), c.StepFailedJson),
            ProgressMessage m => JsonSerializer.Serialize(new MessageJson("message", m.StepId, m.Level.ToString().ToLowerInvariant(), m.Text, at), c.MessageJson),
            PlanComputed p => JsonSerializer.Serialize(new PlanEventJson("plan", ProgressJson.Actions(p.Plan), ProgressJson.Summary(p.Plan), at), c.PlanEventJson),
            RunCompleted r => JsonSerializer.Serialize(new CompletedJson("completed", r.Urls, at), c.CompletedJson),
            _ => null,
        };
    }
}
