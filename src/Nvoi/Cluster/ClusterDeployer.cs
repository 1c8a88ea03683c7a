using k8s;
using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>
/// Applies an app's manifests in deploy order, waiting only where the next step depends on the previous one,
/// and doing everything else at once:
/// <list type="number">
/// <item>secrets, platform (registry, error pages), database and extra services are applied together;</item>
/// <item>when the registry is ready the image is pushed (<c>beforeJobs</c>), while the database and services roll out;</item>
/// <item>pre-run Jobs run with the new image once the database is ready, before any app Deployment changes,
/// so a failed migration leaves the old version serving;</item>
/// <item>app services, their CronJobs and tunnels are applied together, and the Deployments awaited together;</item>
/// <item>objects that left the config are found meanwhile, and pruned once the app has rolled out.</item>
/// </list>
/// </summary>
/// <summary>
/// Which objects a rollout sends (the rest are only waited for) and which it deletes once the app rolled out
/// (as Kind, name), with what runs just before those deletes. Without one, every object is applied and
/// whatever the app's labels find beyond the manifests is pruned.
/// </summary>
public sealed record RolloutSelection(Func<IKubernetesObject<V1ObjectMeta>, bool> Apply, IReadOnlyList<(string Kind, string Name)> Delete,
    Func<Task>? BeforeDeletes = null);

public sealed class ClusterDeployer(Applier applier, RolloutWatcher watcher)
{
    /// <summary>How long each wait may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs the steps; <paramref name="step"/> hears each one as it starts. Returns what the prune deleted.</summary>
    public async Task<IReadOnlyList<string>> DeployAsync(string app, ClusterManifests manifests, Action<string>? step = null,
        CancellationToken ct = default, Func<Task>? beforeJobs = null, RolloutSelection? only = null)
    {
        var selected = only?.Apply ?? (_ => true);
        Task ApplyTogetherAsync(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects, CancellationToken ct) =>
            Task.WhenAll(objects.Where(selected).Select(o => applier.ApplyAsync(o, ct: ct)));

        step?.Invoke("apply secrets, platform, database and services");
        await ApplyTogetherAsync(manifests.Secrets, ct);
        await ApplyTogetherAsync(manifests.Platform.Concat(manifests.Database).Concat(manifests.Extras), ct);

        var registry = manifests.Platform.OfType<V1Deployment>().FirstOrDefault(d => d.Metadata.Name == Configuration.Names.RegistryName);
        var push = Task.Run(async () =>
        {
            if (registry is not null) await watcher.WaitForDeploymentAsync(registry.Metadata.Name, Timeout, ct);
            if (beforeJobs is not null) await beforeJobs();
        }, ct);
        var backing = WaitAllAsync(
            manifests.Platform.OfType<V1Deployment>().Where(d => d != registry).Concat(manifests.Extras.OfType<V1Deployment>()),
            manifests.Database.OfType<V1StatefulSet>(), ct);
        await Task.WhenAll(push, backing);

        if (manifests.PreRunJobs.Count > 0)
        {
            step?.Invoke("run pre-run commands");
            await ApplyTogetherAsync(manifests.PreRunJobs, ct);
            await Task.WhenAll(manifests.PreRunJobs.Select(j => watcher.WaitForJobAsync(j.Metadata.Name, Timeout, ct)));
        }

        step?.Invoke("apply app services and tunnels");
        var front = manifests.Apps.Concat(manifests.CronJobs).Concat(manifests.Tunnels).ToList();
        await ApplyTogetherAsync(front, ct);
        // What left the config is found while the app rolls out, and deleted only once it has.
        var unwanted = only is null ? applier.FindUnwantedAsync(app, manifests.All, ct) : Task.FromResult(applier.Listed(only.Delete));
        try
        {
            await WaitAllAsync(front.OfType<V1Deployment>(), [], ct);
        }
        catch
        {
            try { await unwanted; } catch (Exception) { /* the rollout's failure is the one reported */ }
            throw;
        }

        if (only?.BeforeDeletes is { } before) await before();
        step?.Invoke("prune");
        return await (await unwanted).DeleteAsync(ct);
    }

    private Task WaitAllAsync(IEnumerable<V1Deployment> deployments, IEnumerable<V1StatefulSet> statefulSets, CancellationToken ct) =>
        Task.WhenAll(deployments.Select(d => watcher.WaitForDeploymentAsync(d.Metadata.Name, Timeout, ct))
            .Concat(statefulSets.Select(s => watcher.WaitForStatefulSetAsync(s.Metadata.Name, Timeout, ct))));
}
