using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>The rules: when a workload is done or has failed, and when one of its pods is stuck for good.</summary>
public sealed partial class RolloutWatcher
{
    private enum Verdict { Pending, Done, Failed }

    /// <summary>A verdict on one state of a workload, how that state reads, and the selector of the workload's pods.</summary>
    private readonly record struct Judgement(Verdict Verdict, string Text, V1LabelSelector? Selector);

    private static readonly HashSet<string> FatalWaiting = ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError"];

    private static Judgement Judge(V1Deployment d)
    {
        var s = d.Status;
        var want = d.Spec.Replicas ?? 1;
        if (s?.Conditions?.Any(x => x.Type == "Progressing" && x.Reason == "ProgressDeadlineExceeded") == true)
            return new(Verdict.Failed, "progress deadline exceeded", d.Spec.Selector);
        var done = s is not null && (s.ObservedGeneration ?? 0) >= (d.Metadata.Generation ?? 0)
                   && (s.UpdatedReplicas ?? 0) >= want && (s.Replicas ?? 0) <= (s.UpdatedReplicas ?? 0) && (s.AvailableReplicas ?? 0) >= want;
        return new(done ? Verdict.Done : Verdict.Pending, $"{s?.UpdatedReplicas ?? 0}/{want} updated, {s?.AvailableReplicas ?? 0} available", d.Spec.Selector);
    }

    private static Judgement Judge(V1StatefulSet s)
    {
        var st = s.Status;
        var want = s.Spec.Replicas ?? 1;
        var done = st is not null && (st.ObservedGeneration ?? 0) >= (s.Metadata.Generation ?? 0) && (st.ReadyReplicas ?? 0) >= want
                   && (st.UpdatedReplicas ?? 0) >= want && (st.UpdateRevision is null || st.UpdateRevision == st.CurrentRevision);
        return new(done ? Verdict.Done : Verdict.Pending, $"{st?.ReadyReplicas ?? 0}/{want} ready", s.Spec.Selector);
    }

    private static Judgement Judge(V1Job j)
    {
        var selector = JobPods(j.Metadata.Name);
        if (j.Status?.Conditions?.Any(x => x.Type == "Complete" && x.Status == "True") == true) return new(Verdict.Done, "complete", selector);
        if (j.Status?.Conditions?.FirstOrDefault(x => x.Type == "Failed" && x.Status == "True") is { } f)
            return new(Verdict.Failed, $"the job failed ({f.Reason ?? "Failed"})", selector);
        return new(Verdict.Pending, "running", selector);
    }

    /// <summary>The pods of a Job, known from its name alone (the job controller labels them job-name=NAME).</summary>
    private static V1LabelSelector JobPods(string job) => new() { MatchLabels = new Dictionary<string, string> { ["job-name"] = job } };

    /// <summary>Why the pod is stuck for good (an image that cannot be pulled, a crash loop), or null.</summary>
    private string? StuckPod(V1Pod pod)
    {
        foreach (var c in pod.Status?.ContainerStatuses ?? [])
        {
            var waiting = c.State?.Waiting?.Reason;
            if (waiting is not null && FatalWaiting.Contains(waiting)) return $"pod {pod.Metadata.Name} {waiting}";
            if (waiting == "CrashLoopBackOff" && c.RestartCount >= CrashLoopRestarts) return $"pod {pod.Metadata.Name} CrashLoopBackOff ({c.RestartCount} restarts)";
        }
        return null;
    }

    internal static string Selector(V1LabelSelector s) =>
        string.Join(',', (s.MatchLabels ?? new Dictionary<string, string>()).Select(p => $"{p.Key}={p.Value}"));
}
