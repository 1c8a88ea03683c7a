using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>
/// Applies an app's manifests in deploy order, waiting where the next step depends on the previous one:
/// secrets and platform; database (ready); extra services (rolled out); pre-run Jobs (complete, before any
/// app Deployment changes, so a failed migration leaves the old version serving); app services (rolled out);
/// tunnels; then prunes what left the config.
/// </summary>
public sealed class ClusterDeployer(Applier applier, RolloutWatcher watcher)
{
    /// <summary>How long each wait may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs the steps; <paramref name="step"/> hears each one as it starts. Returns what the prune deleted.</summary>
    public async Task<IReadOnlyList<string>> DeployAsync(string app, ClusterManifests manifests, Action<string>? step = null, CancellationToken ct = default)
    {
        step?.Invoke("apply secrets and platform");
        await applier.ApplyAllAsync(manifests.Secrets.Concat(manifests.Platform), ct: ct);

        if (manifests.Database.Count > 0)
        {
            step?.Invoke("apply database");
            await applier.ApplyAllAsync(manifests.Database, ct: ct);
            foreach (var s in manifests.Database.OfType<V1StatefulSet>()) await watcher.WaitForStatefulSetAsync(s.Metadata.Name, Timeout, ct);
        }
        if (manifests.Extras.Count > 0)
        {
            step?.Invoke("apply services");
            await applier.ApplyAllAsync(manifests.Extras, ct: ct);
            foreach (var d in manifests.Extras.OfType<V1Deployment>()) await watcher.WaitForDeploymentAsync(d.Metadata.Name, Timeout, ct);
        }
        foreach (var job in manifests.PreRunJobs)
        {
            step?.Invoke($"run pre-run command ({job.Metadata.Name})");
            await applier.ApplyAsync(job, ct: ct);
            await watcher.WaitForJobAsync(job.Metadata.Name, Timeout, ct);
        }
        step?.Invoke("apply app services");
        await applier.ApplyAllAsync(manifests.Apps, ct: ct);
        foreach (var d in manifests.Apps.OfType<V1Deployment>()) await watcher.WaitForDeploymentAsync(d.Metadata.Name, Timeout, ct);
        if (manifests.Tunnels.Count > 0)
        {
            step?.Invoke("apply tunnels");
            await applier.ApplyAllAsync(manifests.Tunnels, ct: ct);
            foreach (var d in manifests.Tunnels.OfType<V1Deployment>()) await watcher.WaitForDeploymentAsync(d.Metadata.Name, Timeout, ct);
        }
        step?.Invoke("prune");
        return await applier.PruneAsync(app, manifests.All, ct);
    }
}
