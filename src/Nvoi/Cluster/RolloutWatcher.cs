using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>
/// Waits, by watching (never by sleeping), until a Deployment has rolled out, a StatefulSet is ready or a Job
/// has completed. Gives up at the timeout (on the injected clock) or as soon as a pod is stuck for good
/// (image pull failure, crash loop), with a <see cref="RolloutFailedException"/> describing the pods.
/// </summary>
public sealed class RolloutWatcher(IKubernetes client, TimeProvider time)
{
    /// <summary>Restarts after which a CrashLoopBackOff counts as a failure rather than a slow start.</summary>
    public int CrashLoopRestarts { get; init; } = 3;

    private static readonly HashSet<string> FatalWaiting = ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError"];

    private enum Verdict { Pending, Done, Failed }

    public Task WaitForDeploymentAsync(string name, TimeSpan timeout, CancellationToken ct = default) =>
        WaitAsync("Deployment", name, timeout, async c =>
        {
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ClusterLabels.Namespace, cancellationToken: c);
            var s = d.Status;
            var want = d.Spec.Replicas ?? 1;
            if (s?.Conditions?.Any(x => x.Type == "Progressing" && x.Reason == "ProgressDeadlineExceeded") == true)
                return (Verdict.Failed, "progress deadline exceeded", d.Spec.Selector);
            var done = s is not null && (s.ObservedGeneration ?? 0) >= (d.Metadata.Generation ?? 0)
                       && (s.UpdatedReplicas ?? 0) >= want && (s.Replicas ?? 0) <= (s.UpdatedReplicas ?? 0) && (s.AvailableReplicas ?? 0) >= want;
            return (done ? Verdict.Done : Verdict.Pending, $"{s?.UpdatedReplicas ?? 0}/{want} updated, {s?.AvailableReplicas ?? 0} available", d.Spec.Selector);
        }, ct);

    public Task WaitForStatefulSetAsync(string name, TimeSpan timeout, CancellationToken ct = default) =>
        WaitAsync("StatefulSet", name, timeout, async c =>
        {
            var s = await client.AppsV1.ReadNamespacedStatefulSetAsync(name, ClusterLabels.Namespace, cancellationToken: c);
            var st = s.Status;
            var want = s.Spec.Replicas ?? 1;
            var done = st is not null && (st.ObservedGeneration ?? 0) >= (s.Metadata.Generation ?? 0) && (st.ReadyReplicas ?? 0) >= want
                       && (st.UpdatedReplicas ?? 0) >= want && (st.UpdateRevision is null || st.UpdateRevision == st.CurrentRevision);
            return (done ? Verdict.Done : Verdict.Pending, $"{st?.ReadyReplicas ?? 0}/{want} ready", s.Spec.Selector);
        }, ct);

    public Task WaitForJobAsync(string name, TimeSpan timeout, CancellationToken ct = default) =>
        WaitAsync("Job", name, timeout, async c =>
        {
            var j = await client.BatchV1.ReadNamespacedJobAsync(name, ClusterLabels.Namespace, cancellationToken: c);
            var selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["job-name"] = name } };
            if (j.Status?.Conditions?.Any(x => x.Type == "Complete" && x.Status == "True") == true) return (Verdict.Done, "complete", selector);
            if (j.Status?.Conditions?.FirstOrDefault(x => x.Type == "Failed" && x.Status == "True") is { } f)
                return (Verdict.Failed, $"the job failed ({f.Reason ?? "Failed"})", selector);
            return (Verdict.Pending, "running", selector);
        }, ct);

    private async Task WaitAsync(string kind, string name, TimeSpan timeout, Func<CancellationToken, Task<(Verdict, string, V1LabelSelector?)>> check, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var last = "not started";
        V1LabelSelector? selector = null;
        try
        {
            while (true)
            {
                // Note the version before checking, and watch from it: a change in between is replayed, not missed.
                var rv = await CurrentVersion(linked.Token);
                Verdict verdict;
                try { (verdict, last, selector) = await check(linked.Token); }
                catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    throw new NvoiException($"{kind.ToLowerInvariant()} {name} does not exist");
                }
                if (verdict == Verdict.Done) return;
                if (verdict == Verdict.Failed) throw await Failure(kind, name, last, selector, ct);
                if (selector is not null && await StuckPod(selector, linked.Token) is { } stuck)
                {
                    throw await Failure(kind, name, stuck, selector, ct);
                }
                await NextChangeAsync(kind, name, rv, selector, linked.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            try { (_, last, selector) = await check(ct); } // the state at the deadline, for the report
            catch (Exception e) when (e is HttpOperationException or HttpRequestException) { }
            throw await Failure(kind, name, $"not ready after {timeout.TotalSeconds:0}s ({last})", selector, ct);
        }
    }

    /// <summary>Completes on the next event (after <paramref name="rv"/>) of the workload or of its pods.</summary>
    private async Task NextChangeAsync(string kind, string name, string rv, V1LabelSelector? selector, CancellationToken outer)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(outer);
        var ct = stop.Token;
        var field = $"metadata.name={name}";
        var ns = ClusterLabels.Namespace;
        async Task First<T>(IAsyncEnumerable<(WatchEventType, T)> events)
        {
            // The server ending the watch (its timeout, 410 Expired, a dropped connection) counts as a change:
            // the caller checks again, and a persistent API failure surfaces from that check.
            try { await foreach (var _ in events.WithCancellation(ct)) return; }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException or IOException) { }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { } // an HTTP client timeout, not ours
        }
        var tasks = new List<Task>
        {
            kind switch
            {
                "Deployment" => First(client.AppsV1.WatchListNamespacedDeploymentAsync(ns, fieldSelector: field, resourceVersion: rv, timeoutSeconds: 300, cancellationToken: ct)),
                "StatefulSet" => First(client.AppsV1.WatchListNamespacedStatefulSetAsync(ns, fieldSelector: field, resourceVersion: rv, timeoutSeconds: 300, cancellationToken: ct)),
                _ => First(client.BatchV1.WatchListNamespacedJobAsync(ns, fieldSelector: field, resourceVersion: rv, timeoutSeconds: 300, cancellationToken: ct)),
            },
        };
        if (selector is not null)
            tasks.Add(First(client.CoreV1.WatchListNamespacedPodAsync(ns, labelSelector: Selector(selector), resourceVersion: rv, timeoutSeconds: 300, cancellationToken: ct)));
        var first = await Task.WhenAny(tasks);
        stop.Cancel();
        try { await Task.WhenAll(tasks); }
        catch (OperationCanceledException) { }
        catch (Exception) when (first.IsCompletedSuccessfully) { }
        outer.ThrowIfCancellationRequested();
        await first;
    }

    /// <summary>The namespace's current resourceVersion, so watches start "from now" without replaying history.</summary>
    private async Task<string> CurrentVersion(CancellationToken ct) =>
        (await client.CoreV1.ListNamespacedEventAsync(ClusterLabels.Namespace, limit: 1, cancellationToken: ct)).Metadata.ResourceVersion;

    internal static string Selector(V1LabelSelector s) =>
        string.Join(',', (s.MatchLabels ?? new Dictionary<string, string>()).Select(p => $"{p.Key}={p.Value}"));

    private async Task<string?> StuckPod(V1LabelSelector selector, CancellationToken ct)
    {
        var pods = await client.CoreV1.ListNamespacedPodAsync(ClusterLabels.Namespace, labelSelector: Selector(selector), cancellationToken: ct);
        foreach (var pod in pods.Items)
            foreach (var c in pod.Status?.ContainerStatuses ?? [])
            {
                var waiting = c.State?.Waiting?.Reason;
                if (waiting is not null && FatalWaiting.Contains(waiting)) return $"pod {pod.Metadata.Name} {waiting}";
                if (waiting == "CrashLoopBackOff" && c.RestartCount >= CrashLoopRestarts) return $"pod {pod.Metadata.Name} CrashLoopBackOff ({c.RestartCount} restarts)";
            }
        return null;
    }

    private async Task<RolloutFailedException> Failure(string kind, string name, string reason, V1LabelSelector? selector, CancellationToken ct)
    {
        var pods = new List<PodReport>();
        if (selector is not null)
        {
            try { pods.AddRange(await PodDiagnostics.DescribeAsync(client, Selector(selector), ct)); }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException) { }
        }
        return new RolloutFailedException(new RolloutReport(kind, name, reason, pods));
    }
}
