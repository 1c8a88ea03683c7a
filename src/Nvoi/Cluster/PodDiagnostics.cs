using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>Phase, reason, recent events and last log lines of the pods behind a selector.</summary>
internal static class PodDiagnostics
{
    public const int EventCount = 5;
    public const int LogLines = 20;

    public static async Task<List<PodReport>> DescribeAsync(IKubernetes client, string labelSelector, CancellationToken ct)
    {
        var ns = ClusterLabels.Namespace;
        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: labelSelector, cancellationToken: ct);
        var reports = new List<PodReport>();
        foreach (var pod in pods.Items.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var name = pod.Metadata.Name;
            var events = await client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={name}", cancellationToken: ct);
            var recent = events.Items.OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata.CreationTimestamp).TakeLast(EventCount)
                .Select(e => $"{e.Type} {e.Reason}: {e.Message}").ToList();
            var logs = new List<string>();
            try
            {
                await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(name, ns, tailLines: LogLines, cancellationToken: ct);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(ct) is { } line) logs.Add(line);
            }
            catch (HttpOperationException) { } // not started yet: nothing to show
            var restarts = pod.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0;
            reports.Add(new PodReport(name, pod.Status?.Phase ?? "Unknown", Reason(pod), restarts, recent, logs));
        }
        return reports;
    }

    /// <summary>The most telling reason: a waiting or terminated container, else an unscheduled pod.</summary>
    public static string? Reason(V1Pod pod)
    {
        foreach (var c in pod.Status?.ContainerStatuses ?? [])
        {
            if (c.State?.Waiting?.Reason is { } w) return w;
            if (c.State?.Terminated?.Reason is { } t && t != "Completed") return t;
        }
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        return scheduled?.Status == "False" ? scheduled.Reason ?? "Unschedulable" : null;
    }
}
