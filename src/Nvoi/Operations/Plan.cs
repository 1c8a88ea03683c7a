namespace Nvoi.Operations;

public enum PlanActionKind { Create, Update, Delete, None }

/// <summary>One thing a deploy or delete would do: its action, the kind and name of the resource, and why.</summary>
public sealed record PlannedAction(PlanActionKind Action, string Kind, string Name, string Reason)
{
    public bool IsChange => Action != PlanActionKind.None;
    public bool IsDestructive => Action == PlanActionKind.Delete;
}

/// <summary>
/// A typed change a step executes (or, with <see cref="PlanActionKind.None"/>, the finding that nothing is to do);
/// what `nvoi plan` shows of it is derived from it.
/// </summary>
public abstract record PlannedChange
{
    /// <summary>What the plan shows of it: usually one action, several when one change touches several resources.</summary>
    public abstract IEnumerable<PlannedAction> Describe();
}

/// <summary>A finding that nothing is to do (the plan's "none" rows): no step executes it.</summary>
public sealed record Unchanged(PlannedAction Action) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [Action];
}

/// <summary>The actions of a run, in the order they would be applied.</summary>
public sealed record Plan(IReadOnlyList<PlannedAction> Actions)
{
    /// <summary>The typed changes the actions were derived from (deploy plans; a delete plan has none).</summary>
    public IReadOnlyList<PlannedChange> Changes { get; private init; } = [];

    public static Plan Of(IEnumerable<PlannedChange> changes)
    {
        var list = changes.ToList();
        return new Plan(list.SelectMany(c => c.Describe()).ToList()) { Changes = list };
    }

    /// <summary>The typed changes of one kind, in plan order.</summary>
    public IEnumerable<T> ChangesOf<T>() where T : PlannedChange => Changes.OfType<T>();

    public int Count(PlanActionKind action) => Actions.Count(a => a.Action == action);
    public bool HasChanges => Actions.Any(a => a.IsChange);
    public bool HasDestructive => Actions.Any(a => a.IsDestructive);
}
