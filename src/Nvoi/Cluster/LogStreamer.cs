using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;

namespace Nvoi.Cluster;

/// <summary>One line of a pod's log.</summary>
public sealed record LogLine(string Pod, string Text)
{
    /// <summary><c>[pod] text</c>, as <c>nvoi logs</c> prints it.</summary>
    public override string ToString() => $"[{Pod}] {Text}";
}

/// <summary>Which lines a log read asks each pod for.</summary>
/// <param name="TailLines">Lines from the end (null: all).</param>
/// <param name="Follow">Keep streaming new lines.</param>
/// <param name="Since">Only lines newer than this (the API's sinceSeconds).</param>
/// <param name="Previous">The previous (crashed) container's lines instead of the current one's.</param>
public sealed record LogQuery(int? TailLines = 100, bool Follow = false, TimeSpan? Since = null, bool Previous = false);

/// <summary>The logs of every pod of a workload (label <c>app=A-S</c>), merged and tagged by pod.</summary>
public sealed class LogStreamer(IKubernetes client)
{
    /// <summary>
    /// Without <paramref name="follow"/>: each pod's last <paramref name="tailLines"/> lines, pod by pod (in name
    /// order). With it: the pods' lines interleaved as they arrive, until cancelled or every stream ends.
    /// Pods created after the call started are not followed.
    /// </summary>
    public IAsyncEnumerable<LogLine> StreamAsync(string podLabel, int? tailLines = 100, bool follow = false, CancellationToken ct = default) =>
        StreamAsync(podLabel, new LogQuery(tailLines, follow), ct);

    /// <summary>
    /// As above, with the window of <paramref name="query"/>: since a duration ago (the API's <c>sinceSeconds</c>) and the
    /// previous container (<c>previous</c>: the run before the last restart, what a crash-looping container printed).
    /// </summary>
    public async IAsyncEnumerable<LogLine> StreamAsync(string podLabel, LogQuery query, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var follow = query.Follow;
        var pods = await client.CoreV1.ListNamespacedPodAsync(ClusterLabels.Namespace, labelSelector: $"{ClusterLabels.App}={podLabel}", cancellationToken: ct);
        var names = pods.Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        if (names.Count == 0) throw new NvoiException($"no pod has label app={podLabel}");
        if (!follow)
        {
            foreach (var pod in names)
                await foreach (var line in ReadAsync(pod, query, false, ct)) yield return line;
            yield break;
        }
        var channel = Channel.CreateUnbounded<LogLine>();
        var readers = names.Select(async pod =>
        {
            await foreach (var line in ReadAsync(pod, query, true, ct)) await channel.Writer.WriteAsync(line, ct);
        }).ToList();
        _ = Task.WhenAll(readers).ContinueWith(t => channel.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        await foreach (var line in channel.Reader.ReadAllAsync(ct)) yield return line;
    }

    /// <summary>One pod's whole log; with <paramref name="follow"/>, until the pod ends.</summary>
    public IAsyncEnumerable<LogLine> ReadPodAsync(string pod, bool follow, CancellationToken ct = default) =>
        ReadAsync(pod, new LogQuery(TailLines: null, Follow: follow), follow, ct);

    private async IAsyncEnumerable<LogLine> ReadAsync(string pod, LogQuery query, bool follow, [EnumeratorCancellation] CancellationToken ct)
    {
        Stream stream;
        // Whole seconds, at least one (the API refuses 0).
        int? since = query.Since is { } s ? Math.Max(1, (int)Math.Ceiling(s.TotalSeconds)) : null;
        try
        {
            stream = await client.CoreV1.ReadNamespacedPodLogAsync(pod, ClusterLabels.Namespace, follow: follow, tailLines: query.TailLines,
                sinceSeconds: since, previous: query.Previous ? true : null, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.BadRequest)
        {
            stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"(no log: {Applier.StatusMessage(e)})\n"));
        }
        await using var _ = stream;
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(ct) is { } line) yield return new LogLine(pod, line);
    }
}
