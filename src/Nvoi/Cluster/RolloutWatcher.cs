using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>
/// Waits, by watching (never by sleeping), until a Deployment has rolled out, a StatefulSet is ready or a Job
/// has completed. Gives up at the timeout (on the injected clock) or as soon as a pod is stuck for good
/// (image pull failure, crash loop), with a <see cref="RolloutFailedException"/> describing the pods.
/// </summary>
/// <remarks>
/// One read of the workload gives the first verdict and the resourceVersion to watch it from; one list of its
/// pods gives the pods' verdict and theirs. From then on each event is judged from the object it carries, with
/// no further reads, until a watch ends (the server's timeout, 410 Expired, a dropped connection) or the
/// workload is deleted: then the wait reads again and opens new watches.
/// </remarks>
public sealed partial class RolloutWatcher(IKubernetes client, TimeProvider time)
{
    /// <summary>Restarts after which a CrashLoopBackOff counts as a failure rather than a slow start.</summary>
    public int CrashLoopRestarts { get; init; } = 3;

    private const string Ns = ClusterLabels.Namespace;
    private const int WatchSeconds = 300;

    public Task WaitForDeploymentAsync(string name, TimeSpan timeout, CancellationToken ct = default) =>
        WaitAsync(new Workload<V1Deployment>("Deployment", name, Judge,
            c => client.AppsV1.ReadNamespacedDeploymentAsync(name, Ns, cancellationToken: c),
            (rv, onError, c) => client.AppsV1.WatchListNamespacedDeploymentAsync(Ns, fieldSelector: Field(name), resourceVersion: rv,
                timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: c)), timeout, ct);

    public Task WaitForStatefulSetAsync(string name, TimeSpan timeout, CancellationToken ct = default) =>
        WaitAsync(new Workload<V1StatefulSet>("StatefulSet", name, Judge,
            c => client.AppsV1.ReadNamespacedStatefulSetAsync(name, Ns, cancellationToken: c),
            (rv, onError, c) => client.AppsV1.WatchListNamespacedStatefulSetAsync(Ns, fieldSelector: Field(name), resourceVersion: rv,
                timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: c)), timeout, ct);

    public Task WaitForJobAsync(string name, TimeSpan timeout, CancellationToken ct = default) =>
        WaitAsync(new Workload<V1Job>("Job", name, Judge,
            c => client.BatchV1.ReadNamespacedJobAsync(name, Ns, cancellationToken: c),
            (rv, onError, c) => client.BatchV1.WatchListNamespacedJobAsync(Ns, fieldSelector: Field(name), resourceVersion: rv,
                timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: c),
            Pods: JobPods(name)), timeout, ct);

    private static string Field(string name) => $"metadata.name={name}";

    /// <summary>How to read, watch (from a resourceVersion, or from now) and judge one workload; its pods' selector when known before reading it.</summary>
    private sealed record Workload<T>(string Kind, string Name, Func<T, Judgement> Judge, Func<CancellationToken, Task<T>> Read,
        Func<string?, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> Watch, V1LabelSelector? Pods = null)
        where T : IKubernetesObject<V1ObjectMeta>;

    /// <summary>What a wait knows across its reads: the last state (for the report at the deadline), and how to watch.</summary>
    private sealed class Progress(V1LabelSelector? selector)
    {
        public string Text { get; private set; } = "not started";
        public V1LabelSelector? Selector { get; private set; } = selector;

        /// <summary>
        /// A watch found its resourceVersion too old (410; an unchanged object's can be, after the server restarted): from then
        /// on the workload is watched from now, which starts with its current state, so that a read does not find the same old version again.
        /// </summary>
        public bool WatchFromNow { get; set; }

        public Judgement Note(Judgement j)
        {
            (Text, Selector) = (j.Text, j.Selector);
            return j;
        }
    }

    private async Task WaitAsync<T>(Workload<T> w, TimeSpan timeout, CancellationToken ct) where T : IKubernetesObject<V1ObjectMeta>
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var progress = new Progress(w.Pods);
        try
        {
            while (true)
            {
                var (verdict, reason) = await FollowAsync(w, progress, linked.Token);
                if (verdict == Verdict.Done) return;
                if (verdict == Verdict.Failed) throw await Failure(w.Kind, w.Name, reason, progress.Selector, ct);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            try { progress.Note(w.Judge(await w.Read(ct))); } // the state at the deadline, for the report
            catch (Exception e) when (e is HttpOperationException or HttpRequestException) { }
            throw await Failure(w.Kind, w.Name, $"not ready after {timeout.TotalSeconds:0}s ({progress.Text})", progress.Selector, ct);
        }
    }

    /// <summary>
    /// Reads the workload and lists its pods, then judges each event of the watches opened from those reads.
    /// Returns Done, Failed (with the reason), or Pending when a watch ended or the workload was deleted: read again.
    /// </summary>
    private async Task<(Verdict, string)> FollowAsync<T>(Workload<T> w, Progress progress, CancellationToken outer) where T : IKubernetesObject<V1ObjectMeta>
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(outer);
        var ct = stop.Token;
        var changes = Channel.CreateUnbounded<Change>();
        var started = new List<Task>();
        try
        {
            // A Job's pods are known by its name: list them while reading the job.
            Task<V1PodList>? listing = null;
            if (w.Pods is not null) started.Add(listing = ListPods(w.Pods, ct));
            var obj = await ReadAsync(w, ct);
            var judged = progress.Note(w.Judge(obj));
            if (judged.Verdict != Verdict.Pending) return (judged.Verdict, judged.Text);

            // Watching from the object's resourceVersion (one counter for the whole cluster) replays every change after this read.
            var rv = progress.WatchFromNow ? null : obj.Metadata.ResourceVersion;
            started.Add(PumpAsync(onError => w.Watch(rv, onError, ct), changes.Writer, ct));
            if (judged.Selector is { } selector)
            {
                if (listing is null) started.Add(listing = ListPods(selector, ct));
                var pods = await listing;
                foreach (var pod in pods.Items)
                    if (StuckPod(pod) is { } stuck) return (Verdict.Failed, stuck);
                started.Add(PumpAsync(onError => client.CoreV1.WatchListNamespacedPodAsync(Ns, labelSelector: Selector(selector),
                    resourceVersion: pods.Metadata.ResourceVersion, timeoutSeconds: WatchSeconds, onError: onError, cancellationToken: ct), changes.Writer, ct));
            }

            await foreach (var change in changes.Reader.ReadAllAsync(ct))
            {
                switch (change.Object)
                {
                    case null: // a watch ended
                        progress.WatchFromNow |= change.Expired;
                        return (Verdict.Pending, progress.Text);
                    case T when change.Type == WatchEventType.Deleted: // gone, or about to come back: the read tells
                        return (Verdict.Pending, progress.Text);
                    case T workload when change.Type is WatchEventType.Added or WatchEventType.Modified:
                        var j = progress.Note(w.Judge(workload));
                        if (j.Verdict != Verdict.Pending) return (j.Verdict, j.Text);
                        break;
                    case V1Pod pod when change.Type is WatchEventType.Added or WatchEventType.Modified && StuckPod(pod) is { } stuck:
                        return (Verdict.Failed, stuck);
                }
            }
            return (Verdict.Pending, progress.Text); // not reached: the channel only completes with an error
        }
        finally
        {
            stop.Cancel();
            // The watches (and a list no longer needed) end with the cancellation; what they had to say was said.
            try { await Task.WhenAll(started); }
            catch (Exception) { }
        }
    }

    private static async Task<T> ReadAsync<T>(Workload<T> w, CancellationToken ct) where T : IKubernetesObject<V1ObjectMeta>
    {
        try { return await w.Read(ct); }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            throw new NvoiException($"{w.Kind.ToLowerInvariant()} {w.Name} does not exist");
        }
    }

    private Task<V1PodList> ListPods(V1LabelSelector selector, CancellationToken ct) =>
        client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: Selector(selector), cancellationToken: ct);

    /// <summary>One event of a watch (its type and the object it carries), or the end of a watch (no object).</summary>
    private readonly record struct Change(WatchEventType Type, object? Object, bool Expired = false);

    /// <summary>
    /// Forwards a watch's events, then its end. However the watch ends (the server's timeout, 410 Expired, a dropped
    /// connection, an HTTP client timeout), the wait reads again, and a persistent API failure surfaces from that read.
    /// </summary>
    private static async Task PumpAsync<T>(Func<Action<Exception>, IAsyncEnumerable<(WatchEventType, T)>> watch, ChannelWriter<Change> into, CancellationToken ct)
    {
        // The API server reports a resourceVersion too old to watch from as an ERROR event, which the client hands to onError.
        var expired = false;
        void OnError(Exception e) => expired |= e is KubernetesException { Status.Code: 410 };
        try
        {
            await foreach (var (type, obj) in watch(OnError).WithCancellation(ct))
                into.TryWrite(new Change(type, obj));
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Gone) { expired = true; }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or KubernetesException or IOException) { }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { } // an HTTP client timeout, not ours
        catch (Exception e) when (e is not OperationCanceledException)
        {
            into.TryComplete(e); // anything else is a bug: it fails the wait
            return;
        }
        into.TryWrite(new Change(default, null, expired));
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
