using k8s;
using k8s.Models;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Credentials;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>A server past its group's count: drained, removed from the cluster, deleted.</summary>
public sealed record RemoveServer(ServerInfo Server) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() =>
    [
        new(PlanActionKind.Delete, "k3s node", Server.Name, "beyond its group's count: drained (its pods move to the other servers) and removed from the cluster"),
        new(PlanActionKind.Delete, "server", Server.Name, "beyond its group's count (the group's volumes stay on its first server)"),
    ];
}

/// <summary>Servers past their group's count: drained, removed from the cluster, deleted (destructive, after the rollout).</summary>
internal static class ScaleDownStep
{
    public static IEnumerable<PlannedChange> Plan(LiveState live) =>
        live.SurplusServers.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => new RemoveServer(s));
}

/// <summary>Step "scale-down": the plan's surplus servers removed.</summary>
public sealed partial class Deployer
{
    /// <summary>
    /// Scale down, once the app rolled out on the servers that stay: each surplus server is drained (its pods
    /// start on the others), removed from the cluster, then deleted. Its group's volumes live on server 1 and stay.
    /// </summary>
    private Task ScaleDownAsync(Plan plan, ClusterAccess cluster, ClusterManifests manifests, CancellationToken ct)
    {
        var surplus = plan.ChangesOf<RemoveServer>().Select(r => r.Server).ToList();
        if (surplus.Count == 0) return Task.CompletedTask;
        return _steps.RunAsync("scale-down", null, $"Remove surplus servers ({surplus.Count})", async () =>
        {
            var drainer = new NodeDrainer(cluster.Client, _world.Time, _options.RolloutTimeout);
            var moved = await AllAsync(surplus, s => _steps.RunAsync($"remove:{s.Name}", "scale-down", s.Name, async () =>
            {
                var pods = await drainer.RemoveAsync(s.Name, ct);
                // Found again before the delete: a run killed after it finds nothing to delete.
                if (await _world.Cloud.FindServerAsync(s.Name, ct) is { } found) await _world.Cloud.DeleteServerAsync(found, ct);
                await _world.ForgetServerAsync(s.Name, ct);
                var detail = pods is null ? "not in the cluster; server deleted" : $"drained ({pods} pods moved), removed from the cluster; server deleted";
                return new Progress.StepOutcome<int>(pods ?? 0, detail);
            }));
            if (moved.Sum() > 0)
            {
                // The pods that moved run again before the URLs are checked.
                var watcher = new RolloutWatcher(cluster.Client, _world.Time);
                await Task.WhenAll(manifests.All.OfType<V1Deployment>().Select(d => watcher.WaitForDeploymentAsync(d.Metadata.Name, _options.RolloutTimeout, ct)));
            }
            return $"{surplus.Count} deleted";
        });
    }
}
