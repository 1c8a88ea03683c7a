using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>A kind nvoi creates, with its server-side apply, list-by-label and delete calls.</summary>
internal sealed record KindOps(
    string Kind,
    Func<IKubernetes, IKubernetesObject<V1ObjectMeta>, string, bool, CancellationToken, Task> Apply,
    Func<IKubernetes, string, string, CancellationToken, Task<IReadOnlyList<V1ObjectMeta>>> List,
    Func<IKubernetes, string, string, CancellationToken, Task> Delete);

/// <summary>
/// Applies nvoi's objects by server-side apply (field manager <c>nvoi</c>) and prunes the objects nvoi
/// manages for an app that are no longer wanted.
/// </summary>
public sealed class Applier(IKubernetes client)
{
    /// <summary>How many times an apply is sent when the API answers 5xx.</summary>
    public const int ApplyAttempts = 4;

    private static V1Patch Patch(object o) => new(o, V1Patch.PatchType.ApplyPatch);
    private static readonly V1DeleteOptions Background = new() { PropagationPolicy = "Background" };
    private const string M = ClusterLabels.FieldManager;

    internal static readonly IReadOnlyList<KindOps> Kinds =
    [
        new("Secret",
            (c, o, ns, f, ct) => c.CoreV1.PatchNamespacedSecretAsync(Patch(o), o.Metadata.Name, ns, fieldManager: M, force: f, cancellationToken: ct),
            async (c, ns, sel, ct) => (await c.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: sel, cancellationToken: ct)).Items.Select(i => i.Metadata).ToList(),
            (c, ns, n, ct) => c.CoreV1.DeleteNamespacedSecretAsync(n, ns, body: Background, cancellationToken: ct)),
        new("ConfigMap",
            (c, o, ns, f, ct) => c.CoreV1.PatchNamespacedConfigMapAsync(Patch(o), o.Metadata.Name, ns, fieldManager: M, force: f, cancellationToken: ct),
            async (c, ns, sel, ct) => (await c.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: sel, cancellationToken: ct)).Items.Select(i => i.Metadata).ToList(),
            (c, ns, n, ct) => c.CoreV1.DeleteNamespacedConfigMapAsync(n, ns, body: Background, cancellationToken: ct)),
        new("Service",
            (c, o, ns, f, ct) => c.CoreV1.PatchNamespacedServiceAsync(Patch(o), o.Metadata.Name, ns, fieldManager: M, force: f, cancellationToken: ct),
            async (c, ns, sel, ct) => (await c.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: sel, cancellationToken: ct)).Items.Select(i => i.Metadata).ToList(),
            (c, ns, n, ct) => c.CoreV1.DeleteNamespacedServiceAsync(n, ns, body: Background, cancellationToken: ct)),
        new("Deployment",
            (c, o, ns, f, ct) => c.AppsV1.PatchNamespacedDeploymentAsync(Patch(o), o.Metadata.Name, ns, fieldManager: M, force: f, cancellationToken: ct),
            async (c, ns, sel, ct) => (await c.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: sel, cancellationToken: ct)).Items.Select(i => i.Metadata).ToList(),
            (c, ns, n, ct) => c.AppsV1.DeleteNamespacedDeploymentAsync(n, ns, body: Background, cancellationToken: ct)),
        new("StatefulSet",
            (c, o, ns, f, ct) => c.AppsV1.PatchNamespacedStatefulSetAsync(Patch(o), o.Metadata.Name, ns, fieldManager: M, force: f, cancellationToken: ct),
            async (c, ns, sel, ct) => (await c.AppsV1.ListNamespacedStatefulSetAsync(ns, labelSelector: sel, cancellationToken: ct)).Items.Select(i => i.Metadata).ToList(),
            (c, ns, n, ct) => c.AppsV1.DeleteNamespacedStatefulSetAsync(n, ns, body: Background, cancellationToken: ct)),
        new("Job",
            (c, o, ns, f, ct) => c.BatchV1.PatchNamespacedJobAsync(Patch(o), o.Metadata.Name, ns, fieldManager: M, force: f, cancellationToken: ct),
            async (c, ns, sel, ct) => (await c.BatchV1.ListNamespacedJobAsync(ns, labelSelector: sel, cancellationToken: ct)).Items.Select(i => i.Metadata).ToList(),
            (c, ns, n, ct) => c.BatchV1.DeleteNamespacedJobAsync(n, ns, body: Background, cancellationToken: ct)),
        new("CronJob",
            (c, o, ns, f, ct) => c.BatchV1.PatchNamespacedCronJobAsync(Patch(o), o.Metadata.Name, ns, fieldManager: M, force: f, cancellationToken: ct),
            async (c, ns, sel, ct) => (await c.BatchV1.ListNamespacedCronJobAsync(ns, labelSelector: sel, cancellationToken: ct)).Items.Select(i => i.Metadata).ToList(),
            (c, ns, n, ct) => c.BatchV1.DeleteNamespacedCronJobAsync(n, ns, body: Background, cancellationToken: ct)),
        new("Ingress",
            (c, o, ns, f, ct) => c.NetworkingV1.PatchNamespacedIngressAsync(Patch(o), o.Metadata.Name, ns, fieldManager: M, force: f, cancellationToken: ct),
            async (c, ns, sel, ct) => (await c.NetworkingV1.ListNamespacedIngressAsync(ns, labelSelector: sel, cancellationToken: ct)).Items.Select(i => i.Metadata).ToList(),
            (c, ns, n, ct) => c.NetworkingV1.DeleteNamespacedIngressAsync(n, ns, body: Background, cancellationToken: ct)),
        new("Middleware",
            (c, o, ns, f, ct) => c.CustomObjects.PatchNamespacedCustomObjectAsync(Patch(o), TraefikMiddleware.Group, TraefikMiddleware.Version, ns, TraefikMiddleware.Plural, o.Metadata.Name, fieldManager: M, force: f, cancellationToken: ct),
            async (c, ns, sel, ct) => CustomMetadata(await c.CustomObjects.ListNamespacedCustomObjectAsync(TraefikMiddleware.Group, TraefikMiddleware.Version, ns, TraefikMiddleware.Plural, labelSelector: sel, cancellationToken: ct)),
            (c, ns, n, ct) => c.CustomObjects.DeleteNamespacedCustomObjectAsync(TraefikMiddleware.Group, TraefikMiddleware.Version, ns, TraefikMiddleware.Plural, n, body: Background, cancellationToken: ct)),
    ];

    private static IReadOnlyList<V1ObjectMeta> CustomMetadata(object list)
    {
        var json = list is JsonElement e ? e : JsonSerializer.SerializeToElement(list);
        return json.TryGetProperty("items", out var items)
            ? items.EnumerateArray().Select(i => KubernetesJson.Deserialize<V1ObjectMeta>(i.GetProperty("metadata").GetRawText())).ToList()
            : [];
    }

    private static KindOps Ops(string kind) =>
        Kinds.FirstOrDefault(k => k.Kind == kind) ?? throw new ArgumentException($"nvoi does not apply objects of kind {kind}");

    /// <summary>
    /// Server-side applies one object as field manager <c>nvoi</c>. With <paramref name="force"/> (the default)
    /// nvoi takes back fields someone changed by hand, so the cluster converges to the config.
    /// </summary>
    public async Task ApplyAsync(IKubernetesObject<V1ObjectMeta> obj, bool force = true, CancellationToken ct = default)
    {
        var ns = obj.Metadata.NamespaceProperty ?? ClusterLabels.Namespace;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Ops(obj.Kind).Apply(client, obj, ns, force, ct);
                return;
            }
            // Server-side apply is idempotent (the same object gives the same result, even after a lost
            // response), so a server error is retried here where a generic handler would not retry a PATCH.
            catch (HttpOperationException e) when ((int)e.Response.StatusCode >= 500 && attempt < ApplyAttempts) { }
            catch (HttpOperationException e)
            {
                throw new NvoiException($"applying {obj.Kind.ToLowerInvariant()} {obj.Metadata.Name} failed: {StatusMessage(e)}", e);
            }
        }
    }

    /// <summary>Applies the objects in order.</summary>
    public async Task ApplyAllAsync(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects, bool force = true, CancellationToken ct = default)
    {
        foreach (var o in objects) await ApplyAsync(o, force, ct);
    }

    /// <summary>
    /// Deletes every object labelled managed-by=nvoi, instance=<paramref name="app"/> whose kind and name are not
    /// in <paramref name="desired"/> (PersistentVolumeClaims are never pruned: they hold data).
    /// Returns what was deleted, as "Kind/name".
    /// </summary>
    public async Task<IReadOnlyList<string>> PruneAsync(string app, IEnumerable<IKubernetesObject<V1ObjectMeta>> desired, CancellationToken ct = default) =>
        await (await FindUnwantedAsync(app, desired, ct)).DeleteAsync(ct);

    /// <summary>
    /// The app's managed objects that <paramref name="desired"/> does not hold, found now and deleted by
    /// <see cref="Unwanted.DeleteAsync"/> later (a deploy finds them while its last rollout runs).
    /// </summary>
    public async Task<Unwanted> FindUnwantedAsync(string app, IEnumerable<IKubernetesObject<V1ObjectMeta>> desired, CancellationToken ct = default)
    {
        var keep = desired.Select(o => (o.Kind, o.Metadata.Name)).ToHashSet();
        var unwanted = (await ListAllKindsAsync(app, ct))
            .SelectMany(k => k.Items.Where(m => !keep.Contains((k.Kind.Kind, m.Name))).Select(m => (k.Kind, m.Name)))
            .ToList();
        return new Unwanted(client, unwanted);
    }

    /// <summary>The given objects (Kind, name) to delete, as a plan lists them.</summary>
    public Unwanted Listed(IEnumerable<(string Kind, string Name)> objects) =>
        new(client, objects.Select(o => (Ops(o.Kind), o.Name)).ToList());

    /// <summary>Objects to delete; deleting one that is gone already is not an error.</summary>
    public sealed class Unwanted
    {
        private readonly IKubernetes _client;
        private readonly List<(KindOps Kind, string Name)> _objects;

        internal Unwanted(IKubernetes client, List<(KindOps Kind, string Name)> objects) => (_client, _objects) = (client, objects);

        /// <summary>Deletes them all at once; returns them as Kind/name.</summary>
        public async Task<IReadOnlyList<string>> DeleteAsync(CancellationToken ct = default)
        {
            await Task.WhenAll(_objects.Select(async u =>
            {
                try { await u.Kind.Delete(_client, ClusterLabels.Namespace, u.Name, ct); }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { }
            }));
            return _objects.Select(u => $"{u.Kind.Kind}/{u.Name}").ToList();
        }
    }

    /// <summary>
    /// Every object nvoi manages for <paramref name="app"/>, as "Kind/name" → the value of
    /// <paramref name="annotation"/> (null when absent), for comparing desired and live in a plan.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> ListManagedAsync(string app, string annotation, CancellationToken ct = default)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (kind, items) in await ListAllKindsAsync(app, ct))
            foreach (var meta in items)
                result[$"{kind.Kind}/{meta.Name}"] = meta.Annotations?.TryGetValue(annotation, out var value) == true ? value : null;
        return result;
    }

    /// <summary>The app's managed objects of every kind, listed at once (a kind the cluster lacks, such as Traefik's CRDs, is empty).</summary>
    private async Task<(KindOps Kind, IReadOnlyList<V1ObjectMeta> Items)[]> ListAllKindsAsync(string app, CancellationToken ct) =>
        await Task.WhenAll(Kinds.Select(async kind =>
        {
            try { return (kind, await kind.List(client, ClusterLabels.Namespace, ClusterLabels.Selector(app), ct)); }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { return (kind, (IReadOnlyList<V1ObjectMeta>)[]); }
        }));

    /// <summary>The API's Status message (never the request, which may hold secret values).</summary>
    internal static string StatusMessage(HttpOperationException e)
    {
        try
        {
            using var doc = JsonDocument.Parse(e.Response.Content ?? "");
            if (doc.RootElement.TryGetProperty("message", out var m) && m.GetString() is { Length: > 0 } text) return text;
        }
        catch (JsonException) { }
        return $"HTTP {(int)e.Response.StatusCode}";
    }
}
