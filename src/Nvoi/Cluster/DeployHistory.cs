using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>
/// One deploy as the history keeps it: the image tag, who ran it (user@machine), when, how it ended, and its kind
/// (null: a deploy; <see cref="Rollback"/>: <c>nvoi rollback</c> or an automatic rollback, the reason in <see cref="Note"/>).
/// </summary>
public sealed record DeployRecord(string Tag, string Image, string Who, DateTimeOffset At, string Result, string? Error = null,
    string? Kind = null, string? Note = null)
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Rollback = "rollback";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<DeployRecord>))]
internal sealed partial class DeployHistoryJson : JsonSerializerContext;

/// <summary>
/// The last deploys, kept in the cluster in the ConfigMap <c>nvoi-deploy-history</c> (key <c>deploys.json</c>, oldest
/// first, at most <see cref="Keep"/>). It carries managed-by=nvoi but not the instance label, so the prune of a
/// deploy never removes it. Deploys hold the lock while they write it: a plain read-modify-replace is enough.
/// </summary>
public static class DeployHistory
{
    public const string ConfigMapName = "nvoi-deploy-history";
    public const string DataKey = "deploys.json";
    public const string HistoryOfLabel = "nvoi.io/deploy-history-of";
    public const int Keep = 20;

    /// <summary>Longest error kept per entry (the first line of the failure).</summary>
    public const int ErrorLength = 300;

    /// <summary>
    /// Runs <paramref name="rollout"/> (the apply of <paramref name="manifests"/>) and records its outcome: succeeded, or
    /// failed with the first line of the error (the error is then rethrown). A cancelled rollout is not recorded.
    /// </summary>
    public static async Task RecordAsync(IKubernetes client, string app, ClusterManifests manifests, string holder, TimeProvider time,
        Func<Task> rollout, CancellationToken ct, string? kind = null, string? note = null)
    {
        var image = ImageOf(manifests);
        try
        {
            await rollout();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var first = e.Message.Split('\n')[0];
            await AppendAsync(client, app, Entry(image, holder, time, DeployRecord.Failed, first.Length > ErrorLength ? first[..ErrorLength] + "…" : first) with { Kind = kind, Note = note }, ct);
            throw;
        }
        await AppendAsync(client, app, Entry(image, holder, time, DeployRecord.Succeeded, null) with { Kind = kind, Note = note }, ct);
    }

    private static DeployRecord Entry(string image, string holder, TimeProvider time, string result, string? error) =>
        new(TagOf(image), image, Who(holder), time.GetUtcNow(), result, error);

    /// <summary>The app image of a deploy: the first app Deployment's container image.</summary>
    public static string ImageOf(ClusterManifests manifests) =>
        manifests.Apps.OfType<V1Deployment>().FirstOrDefault()?.Spec.Template.Spec.Containers[0].Image ?? "";

    public static string TagOf(string image) => image.LastIndexOf(':') is var i && i > image.LastIndexOf('/') ? image[(i + 1)..] : "";

    /// <summary><c>user@machine</c> from a lock holder (<c>user@machine (pid N)</c>).</summary>
    public static string Who(string holder) => holder.IndexOf(" (pid ", StringComparison.Ordinal) is var i and > 0 ? holder[..i] : holder;

    /// <summary>The recorded deploys, oldest first (none when nothing was recorded yet).</summary>
    public static async Task<IReadOnlyList<DeployRecord>> ReadAsync(IKubernetes client, CancellationToken ct)
    {
        var map = await FindAsync(client, ct);
        return map is null ? [] : Parse(map);
    }

    /// <summary>Adds <paramref name="entry"/> and keeps the newest <see cref="Keep"/>.</summary>
    public static async Task AppendAsync(IKubernetes client, string app, DeployRecord entry, CancellationToken ct)
    {
        var map = await FindAsync(client, ct);
        var entries = map is null ? new List<DeployRecord>() : Parse(map);
        entries.Add(entry);
        if (entries.Count > Keep) entries.RemoveRange(0, entries.Count - Keep);
        var data = new Dictionary<string, string> { [DataKey] = JsonSerializer.Serialize(entries, DeployHistoryJson.Default.ListDeployRecord) };
        if (map is null)
        {
            var labels = new Dictionary<string, string> { [ClusterLabels.ManagedBy] = ClusterLabels.ManagerValue, [HistoryOfLabel] = app };
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                ApiVersion = "v1", Kind = "ConfigMap",
                Metadata = new V1ObjectMeta { Name = ConfigMapName, NamespaceProperty = ClusterLabels.Namespace, Labels = labels },
                Data = data,
            }, ClusterLabels.Namespace, fieldManager: ClusterLabels.FieldManager, cancellationToken: ct);
            return;
        }
        map.Data = data;
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(map, ConfigMapName, ClusterLabels.Namespace, fieldManager: ClusterLabels.FieldManager, cancellationToken: ct);
    }

    private static async Task<V1ConfigMap?> FindAsync(IKubernetes client, CancellationToken ct)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedConfigMapAsync(ConfigMapName, ClusterLabels.Namespace, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The entries of the ConfigMap; an unreadable value (edited by hand) counts as no history, and is replaced.</summary>
    private static List<DeployRecord> Parse(V1ConfigMap map)
    {
        if (map.Data?.TryGetValue(DataKey, out var json) != true) return [];
        try
        {
            return JsonSerializer.Deserialize(json!, DeployHistoryJson.Default.ListDeployRecord) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
