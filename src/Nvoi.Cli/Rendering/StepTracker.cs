using Nvoi.Operations;
using Nvoi.Operations.Progress;

namespace Nvoi.Cli.Rendering;

internal enum StepStatus { Running, Done, Failed }

/// <summary>One step as the renderers know it.</summary>
internal sealed class StepState(string id, string? parentId, string title, int depth, DateTimeOffset startedAt)
{
    public string Id { get; } = id;
    public string? ParentId { get; } = parentId;
    public string Title { get; } = title;
    public int Depth { get; } = depth;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset? EndedAt { get; set; }
    public StepStatus Status { get; set; }
    /// <summary>The finish detail or the failure.</summary>
    public string? Result { get; set; }
    /// <summary>The latest message while running.</summary>
    public string? LastMessage { get; set; }
    public List<StepState> Children { get; } = [];
}

/// <summary>The state of a run, built from progress events. Not thread-safe: callers lock.</summary>
internal sealed class StepTracker
{
    private readonly Dictionary<string, StepState> _steps = new(StringComparer.Ordinal);

    public List<StepState> Roots { get; } = [];
    public List<(MessageLevel Level, string? StepId, string Text)> Notes { get; } = [];
    public Plan? Plan { get; private set; }
    public IReadOnlyList<string>? Urls { get; private set; }

    public StepState? Find(string? id) => id is not null && _steps.TryGetValue(id, out var s) ? s : null;

    /// <summary>Applies an event; returns the step it concerns, if any.</summary>
    public StepState? Apply(ProgressEvent e, DateTimeOffset at)
    {
        switch (e)
        {
            case StepStarted s:
                var parent = Find(s.ParentId);
                var step = new StepState(s.Id, s.ParentId, s.Title, parent is null ? 0 : parent.Depth + 1, at);
                _steps[s.Id] = step;
                (parent?.Children ?? Roots).Add(step);
                return step;
            case StepFinished f:
                return End(f.Id, StepStatus.Done, f.Detail, at);
            case StepFailed f:
                return End(f.Id, StepStatus.Failed, f.Error, at);
            case ProgressMessage m:
                var target = Find(m.StepId);
                if (target is not null && m.Level != MessageLevel.Warning) target.LastMessage = m.Text;
                else Notes.Add((m.Level, m.StepId, m.Text));
                return target;
            case PlanComputed p:
                Plan = p.Plan;
                return null;
            case RunCompleted c:
                Urls = c.Urls;
                return null;
            default:
                return null;
        }
    }

    private StepState End(string id, StepStatus status, string? result, DateTimeOffset at)
    {
        // A step that ends without having started is shown under its id.
        var step = Find(id) ?? Apply(new StepStarted(id, null, id), at)!;
        step.Status = status;
        step.Result = result;
        step.EndedAt = at;
        step.LastMessage = null;
        return step;
    }
}
