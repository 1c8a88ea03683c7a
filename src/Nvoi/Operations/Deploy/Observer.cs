using Nvoi.Dns;

namespace Nvoi.Operations.Deploy;

/// <summary>Reads live state by name, in parallel, changing nothing.</summary>
public sealed class Observer(IWorld world)
{
    public async Task<LiveState> ObserveAsync(DesiredState desired, CancellationToken ct)
    {
        var live = new LiveState { ObservedAt = world.Time.GetUtcNow() };
        var cloud = world.Cloud;
        var network = cloud.FindNetworkAsync(desired.Names.Network, ct);
        var firewall = cloud.FindFirewallAsync(desired.Names.Firewall, ct);
        var servers = cloud.ListServersAsync(ct);
        var volumes = cloud.ListVolumesAsync(ct);
        var planner = new TunnelPlanner(world.Cloudflare);
        var tunnels = desired.Tunnels
            .Select(async t => (t.Service, Changes: await planner.PlanEnsureAsync(t.TunnelName, t.Hostnames, DesiredState.TunnelOrigin, ct, Adopt020Step.KeptOrigins)))
            .ToList();

        live.Network = await network;
        live.NetworkIncomplete = live.Network is { } found && IsIncomplete(cloud, found);
        live.Firewall = await firewall;
        var wanted = desired.Servers.Select(s => s.Name).ToHashSet();
        foreach (var server in await servers)
        {
            if (wanted.Contains(server.Name)) live.Servers[server.Name] = server;
            else if (IsSurplus(desired, server.Name)) live.SurplusServers.Add(server);
        }
        var wantedVolumes = desired.Volumes.Select(v => v.Name).ToHashSet();
        foreach (var volume in await volumes)
            if (wantedVolumes.Contains(volume.Name)) live.Volumes[volume.Name] = volume;
        foreach (var t in tunnels)
        {
            var (service, changes) = await t;
            live.TunnelChanges[service] = changes;
        }
        return live;
    }

    /// <summary>On AWS the subnet, gateway and routes are separate resources: a VPC without its subnet was half-created.</summary>
    internal static bool IsIncomplete(Nvoi.Cloud.ICloudProvider cloud, Nvoi.Cloud.NetworkInfo network) =>
        network.SubnetId is null && cloud.Name == "aws";

    /// <summary>A server named like a member of a configured group, but past the group's count.</summary>
    internal static bool IsSurplus(DesiredState desired, string name) =>
        desired.GroupMember(name) is { } member && member.Index > desired.Config.Application.Servers[member.Group].CountValue;
}
