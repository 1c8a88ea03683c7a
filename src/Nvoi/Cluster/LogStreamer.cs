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

/// <summary>The logs of every pod of a workload (label <c>app=A-S</c>), merged and tagged by pod.</summary>
public sealed class LogStreamer(IKubernetes client)
{
    /// <summary>
    /// Without <paramref name="follow"/>: each pod's last <paramref name="tailLines"/> lines, pod by pod (in name
    /// order). With it: the pods' lines interleaved as they arrive, until cancelled or every stream ends.
    /// Pods created after the call started are not followed.
    /// </summary>
    public async IAsyncEnumerable<LogLine> StreamAsync(string podLabel, int? tailLines = 100, bool follow = false,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var pods = await client.CoreV1.ListNamespacedPodAsync(ClusterLabels.Namespace, labelSelector: $"{ClusterLabels.App}={podLabel}", cancellationToken: ct);
        var names = pods.Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        if (names.Count == 0) throw new NvoiException($"no pod has label app={podLabel}");
        if (!follow)
        {
            foreach (var pod in names)
                await foreach (var line in ReadAsync(pod, tailLines, false, ct)) yield return line;
            yield break;
        }
        var channel = Channel.CreateUnbounded<LogLine>();
        var readers = names.Select(async pod =>
        {
            await foreach (var line in ReadAsync(pod, tailLines, true, ct)) await channel.Writer.WriteAsync(line, ct);
        }).ToList();
        _ = Task.WhenAll(readers).ContinueWith(t => channel.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        await foreach (var line in channel.Reader.ReadAllAsync(ct)) yield return line;
    }

    /// <summary>One pod's whole log; with <paramref name="follow"/>, until the pod ends.</summary>
    public IAsyncEnumerable<LogLine> ReadPodAsync(string pod, bool follow, CancellationToken ct = default) => ReadAsync(pod, null, follow, ct);

    private async IAsyncEnumerable<LogLine> ReadAsync(string pod, int? tailLines, bool follow, [EnumeratorCancellation] CancellationToken ct)
    {
        Stream stream;
        try
        {
            stream = await client.CoreV1.ReadNamespacedPodLogAsync(pod, ClusterLabels.Namespace, follow: follow, tailLines: tailLines, cancellationToken: ct);
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
