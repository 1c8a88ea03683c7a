namespace Nvoi.Cluster;

/// <summary>What one pod looked like when a rollout failed.</summary>
public sealed record PodReport(string Name, string Phase, string? Reason, int Restarts, IReadOnlyList<string> Events, IReadOnlyList<string> LogTail);

/// <summary>Why a workload did not become ready, with its pods' state, recent events and last log lines.</summary>
public sealed record RolloutReport(string Kind, string Name, string Reason, IReadOnlyList<PodReport> Pods)
{
    /// <summary>A multi-line rendering for the terminal (the exception message is its first line).</summary>
    public override string ToString()
    {
        var lines = new List<string> { $"{Kind.ToLowerInvariant()} {Name}: {Reason}" };
        foreach (var pod in Pods)
        {
            lines.Add($"  pod {pod.Name}: {pod.Phase}{(pod.Reason is null ? "" : $" ({pod.Reason})")}, {pod.Restarts} restarts");
            lines.AddRange(pod.Events.Select(e => "    event: " + e));
            lines.AddRange(pod.LogTail.Select(l => "    log: " + l));
        }
        return string.Join('\n', lines);
    }
}

/// <summary>A Deployment, StatefulSet or Job did not become ready (or failed) in time.</summary>
public sealed class RolloutFailedException(RolloutReport report)
    : NvoiException($"{report.Kind.ToLowerInvariant()} {report.Name} failed: {report.Reason}")
{
    public RolloutReport Report { get; } = report;

    /// <summary>The pods' state, recent events and last log lines (the report after its first line).</summary>
    public override string? Details => Report.Pods.Count == 0 ? null : string.Join('\n', Report.ToString().Split('\n').Skip(1));
}
