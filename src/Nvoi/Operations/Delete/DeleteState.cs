using Nvoi.Cloud;
using Nvoi.Dns;
using Nvoi.Operations.Deploy;

namespace Nvoi.Operations.Delete;

/// <summary>What a delete would remove, found by name (reference §3); nothing changed to find it.</summary>
public sealed class DeleteState
{
    public NetworkInfo? Network { get; init; }
    public FirewallInfo? Firewall { get; init; }
    /// <summary>The deployment's servers: every configured group's members, surplus ones included.</summary>
    public required IReadOnlyList<ServerInfo> Servers { get; init; }
    public required IReadOnlyList<VolumeInfo> Volumes { get; init; }
    /// <summary>Per tunnel: the DNS records and tunnel a removal deletes.</summary>
    public required IReadOnlyList<(DesiredTunnel Tunnel, IReadOnlyList<TunnelChange> Changes)> Tunnels { get; init; }

    /// <summary>Reads the provider and Cloudflare in parallel.</summary>
    public static async Task<DeleteState> ObserveAsync(IWorld world, DesiredState desired, CancellationToken ct)
    {
        var cloud = world.Cloud;
        var network = cloud.FindNetworkAsync(desired.Names.Network, ct);
        var firewall = cloud.FindFirewallAsync(desired.Names.Firewall, ct);
        var servers = cloud.ListServersAsync(ct);
        var volumes = cloud.ListVolumesAsync(ct);
        var planner = new TunnelPlanner(world.Cloudflare);
        var tunnels = desired.Tunnels
            .Select(async t => (t, await planner.PlanRemoveAsync(t.TunnelName, t.Hostnames, ct)))
            .ToList();
        var volumeNames = desired.Volumes.Select(v => v.Name).ToHashSet();
        return new DeleteState
        {
            Network = await network,
            Firewall = await firewall,
            Servers = (await servers).Where(s => IsDeploymentServer(desired, s.Name)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList(),
            Volumes = (await volumes).Where(v => volumeNames.Contains(v.Name)).OrderBy(v => v.Name, StringComparer.Ordinal).ToList(),
            Tunnels = await Task.WhenAll(tunnels),
        };
    }

    /// <summary>A server named <c>A-group-N</c> for one of the configured groups (any N).</summary>
    public static bool IsDeploymentServer(DesiredState desired, string name) => desired.GroupMember(name) is not null;
}
