using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using Nvoi.Cluster;
using Nvoi.Configuration;

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
    public static IReadOnlyList<PlannedAction> Diff(IEnumerable<IKubernetesObject<V1ObjectMeta>> desired, IReadOnlyDictionary<string, string?> live)
    {
        var actions = new List<PlannedAction>();
        var wanted = new HashSet<string>();
        foreach (var o in desired)
        {
            var key = Key(o);
            wanted.Add(key);
            var kind = o.Kind.ToLowerInvariant();
            var hash = o.Metadata.Annotations?[HashAnnotation];
            if (!live.TryGetValue(key, out var liveHash))
                actions.Add(new(PlanActionKind.Create, kind, o.Metadata.Name, "not in the cluster"));
            else if (liveHash != hash)
                actions.Add(new(PlanActionKind.Update, kind, o.Metadata.Name, "differs from the config"));
            else
                actions.Add(new(PlanActionKind.None, kind, o.Metadata.Name, "up to date"));
        }
        foreach (var key in live.Keys.Where(k => !wanted.Contains(k)).Order(StringComparer.Ordinal))
        {
            var (kind, name) = (key[..key.IndexOf('/')], key[(key.IndexOf('/') + 1)..]);
            // Migration Jobs of earlier specs are pruned by the deploy like any other object.
            actions.Add(new(PlanActionKind.Delete, kind.ToLowerInvariant(), name, "no longer in the config"));
        }
        return actions;
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
