namespace Nvoi.Operations;

public enum PlanActionKind { Create, Update, Delete, None }

/// <summary>One thing a deploy or delete would do: its action, the kind and name of the resource, and why.</summary>
public sealed record PlannedAction(PlanActionKind Action, string Kind, string Name, string Reason)
{
    public bool IsChange => Action != PlanActionKind.None;
    public bool IsDestructive => Action == PlanActionKind.Delete;
}

/// <summary>The actions of a run, in the order they would be applied.</summary>
public sealed record Plan(IReadOnlyList<PlannedAction> Actions)
{
    public int Count(PlanActionKind action) => Actions.Count(a => a.Action == action);
    public bool HasChanges => Actions.Any(a => a.IsChange);
    public bool HasDestructive => Actions.Any(a => a.IsDestructive);
}
