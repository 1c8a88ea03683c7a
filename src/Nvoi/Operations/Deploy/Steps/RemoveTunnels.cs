using Nvoi.Dns;

namespace Nvoi.Operations.Deploy;

/// <summary>
/// The tunnel of a web app that left the config (or lost its domain): found through the app's cloudflared in the
/// cluster, so a branch deploy's tunnels, named alike, are never taken for it; its hostnames are those its ingress routes.
/// </summary>
public sealed record RemovedTunnel(string Service, string TunnelName, IReadOnlyList<string> Hostnames, IReadOnlyList<TunnelChange> Changes);

/// <summary>A removed app's DNS records (those that point at its tunnel) and its tunnel are deleted.</summary>
public sealed record RemoveTunnel(RemovedTunnel Tunnel) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => Tunnel.Changes.Select(c => TunnelsStep.Action(c) with { Reason = $"{c.Reason}; the app {Tunnel.Service} left the config" });
}

/// <summary>Tunnels of apps that left the config: deleted after the rollout, before their cloudflared is pruned.</summary>
internal static class RemoveTunnelsStep
{
    public static IEnumerable<PlannedChange> Plan(LiveState live) =>
        live.RemovedTunnels.OrderBy(t => t.TunnelName, StringComparer.Ordinal).Select(t => new RemoveTunnel(t));
}

/// <summary>Step "remove-tunnels": the plan's tunnel deletes.</summary>
public sealed partial class Deployer
{
    /// <summary>
    /// For a plan: each service whose cloudflared (Deployment or token Secret) the cluster still runs but the config
    /// no longer publishes. The cloudflared objects are pruned only after the tunnel is deleted, so a run killed
    /// in between still finds the tunnel here.
    /// </summary>
    private async Task ObserveRemovedTunnelsAsync(LiveState live, CancellationToken ct)
    {
        var published = _desired.Tunnels.Select(t => t.Service).ToHashSet(StringComparer.Ordinal);
        var prefix = _desired.Names.Cloudflared("");
        var services = (live.ClusterObjects ?? new Dictionary<string, string?>()).Keys
            .Where(k => k.StartsWith("Deployment/" + prefix, StringComparison.Ordinal) || k.StartsWith("Secret/" + prefix, StringComparison.Ordinal))
            .Select(k => k[(k.IndexOf('/') + 1 + prefix.Length)..])
            .Where(s => s.Length > 0 && !published.Contains(s))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var planner = new TunnelPlanner(_world.Cloudflare);
        foreach (var service in services)
        {
            var name = _desired.Names.Tunnel(service);
            var tunnel = await _world.Cloudflare.FindTunnelAsync(name, ct);
            var configuration = tunnel is null ? null : await _world.Cloudflare.GetTunnelConfigurationAsync(tunnel.Id, ct);
            var hostnames = configuration?.Ingress.Select(r => r.Hostname).OfType<string>().ToList() ?? [];
            var changes = await planner.PlanRemoveAsync(name, hostnames, ct);
            if (changes.Count > 0) live.RemovedTunnels.Add(new RemovedTunnel(service, name, hostnames, changes));
        }
    }

    /// <summary>The plan's tunnel deletes, all at once: DNS records first, so a re-run still knows the tunnel.</summary>
    private Task RemoveTunnelsAsync(Plan plan, CancellationToken ct)
    {
        var removed = plan.ChangesOf<RemoveTunnel>().Select(r => r.Tunnel).ToList();
        if (removed.Count == 0) return Task.CompletedTask;
        var publisher = new TunnelPublisher(_world.Cloudflare, _world.Time);
        return _steps.RunAsync("remove-tunnels", "workloads", $"Remove tunnels of apps that left the config ({removed.Count})", async () =>
        {
            await AllAsync(removed, t => _steps.RunAsync($"remove-tunnel:{t.Service}", "remove-tunnels", t.TunnelName, async () =>
            {
                await publisher.RemoveAsync(t.TunnelName, t.Hostnames, ct);
                var records = t.Changes.Count(c => c.Kind == TunnelChangeKind.DeleteRecord);
                return $"{records} DNS record{(records == 1 ? "" : "s")} and the tunnel deleted";
            }));
            return $"{removed.Count} deleted";
        });
    }
}
