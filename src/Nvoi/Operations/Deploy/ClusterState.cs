using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Operations;

namespace Nvoi.Operations.Deploy;

/// <summary>
/// Desired cluster objects stamped with the hash of what nvoi applies (annotation
/// <c>nvoi.io/applied-hash</c>), so a plan compares desired and live without a dry run.
/// </summary>
public static class ClusterState
{
    public const string HashAnnotation = "nvoi.io/applied-hash";
    public const string SourceDigestAnnotation = "nvoi.io/source-digest";

    public static string Key(IKubernetesObject<V1ObjectMeta> o) => $"{o.Kind}/{o.Metadata.Name}";

    /// <summary>Sets the hash annotation on each object (computed without the annotation itself).</summary>
    public static void Stamp(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects)
    {
        foreach (var o in objects)
        {
            o.Metadata.Annotations ??= new Dictionary<string, string>();
            o.Metadata.Annotations.Remove(HashAnnotation);
            var json = KubernetesJson.Serialize(o);
            o.Metadata.Annotations[HashAnnotation] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
        }
    }

    /// <summary>Create, update or none for each desired object; delete for live objects no longer wanted.</summary>
    public static IReadOnlyList<PlannedChange> Diff(IEnumerable<IKubernetesObject<V1ObjectMeta>> desired, IReadOnlyDictionary<string, string?> live)
    {
        var changes = new List<PlannedChange>();
        var wanted = new HashSet<string>();
        foreach (var o in desired)
        {
            var key = Key(o);
            wanted.Add(key);
            var hash = o.Metadata.Annotations?[HashAnnotation];
            if (!live.TryGetValue(key, out var liveHash))
                changes.Add(new ApplyObject(key, PlanActionKind.Create, "not in the cluster"));
            else if (liveHash != hash)
                changes.Add(new ApplyObject(key, PlanActionKind.Update, "differs from the config"));
            else
                changes.Add(new KeepObject(key));
        }
        // Migration Jobs of earlier specs are pruned by the deploy like any other object.
        foreach (var key in live.Keys.Where(k => !wanted.Contains(k)).Order(StringComparer.Ordinal))
            changes.Add(new DeleteObject(key));
        return changes;
    }

    /// <summary>The manifests of a deploy with the given image and tunnel tokens, stamped.</summary>
    public static ClusterManifests Build(DeployConfig config, string image, string sourceDigest, IReadOnlyDictionary<string, string> tunnelTokens)
    {
        var manifests = ManifestBuilder.Build(new ManifestInputs
        {
            Config = config.Application,
            AppEnv = EnvResolver.ForApp(config, ""),
            Image = image,
            TunnelTokens = tunnelTokens,
        });
        foreach (var d in manifests.Apps.OfType<V1Deployment>())
        {
            d.Metadata.Annotations ??= new Dictionary<string, string>();
            d.Metadata.Annotations[SourceDigestAnnotation] = sourceDigest;
        }
        Stamp(manifests.All);
        return manifests;
    }
}

/// <summary>An object the cluster lacks or holds otherwise than the config: applied (key: Kind/name).</summary>
public sealed record ApplyObject(string Key, PlanActionKind Action, string Reason) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [ObjectKey.Action(Key, Action, Reason)];
}

/// <summary>An object applied with the same hash already: not sent again.</summary>
public sealed record KeepObject(string Key) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [ObjectKey.Action(Key, PlanActionKind.None, "up to date")];
}

/// <summary>An object nvoi manages for the app that left the config: deleted once the app rolled out.</summary>
public sealed record DeleteObject(string Key) : PlannedChange
{
    public string Kind => Key[..Key.IndexOf('/')];
    public string Name => Key[(Key.IndexOf('/') + 1)..];
    public override IEnumerable<PlannedAction> Describe() => [ObjectKey.Action(Key, PlanActionKind.Delete, "no longer in the config")];
}

internal static class ObjectKey
{
    public static PlannedAction Action(string key, PlanActionKind action, string reason) =>
        new(action, key[..key.IndexOf('/')].ToLowerInvariant(), key[(key.IndexOf('/') + 1)..], reason);
}
