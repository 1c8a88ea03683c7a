using Nvoi.Dns;

namespace Nvoi.Operations.Deploy;

/// <summary>Desired against live: the actions a deploy takes, each with a reason. Pure.</summary>
public static class DeployPlanner
{
    public static Plan Plan(DesiredState desired, LiveState live, ClusterPlan? cluster)
    {
        var actions = new List<PlannedAction>();
        void Add(PlanActionKind a, string kind, string name, string reason) => actions.Add(new(a, kind, name, reason));

        Add(live.Network is null ? PlanActionKind.Create : PlanActionKind.None, "network", desired.Names.Network,
            live.Network is null ? "not found" : "exists");
        Add(live.Firewall is null ? PlanActionKind.Create : PlanActionKind.None, "firewall", desired.Names.Firewall,
            live.Firewall is null ? "not found (inbound TCP 22 only)" : "exists");

        foreach (var server in desired.Servers)
        {
            if (!live.Servers.TryGetValue(server.Name, out var existing))
                Add(PlanActionKind.Create, "server", server.Name, $"not found ({server.ServerType} in {server.Location})");
            else if (!string.Equals(existing.ServerType, server.ServerType, StringComparison.OrdinalIgnoreCase))
                Add(PlanActionKind.None, "server", server.Name, $"exists as {existing.ServerType}; the config asks {server.ServerType} (not changed: resize it at the provider)");
            else
                Add(PlanActionKind.None, "server", server.Name, "exists");
        }

        foreach (var volume in desired.Volumes)
        {
            if (!live.Volumes.TryGetValue(volume.Name, out var existing))
                Add(PlanActionKind.Create, "volume", volume.Name, $"not found ({volume.SizeGb} GB, mounted at {volume.MountPath})");
            else if (existing.ServerId is null || !live.Servers.TryGetValue(volume.ServerName, out var server) || server.Id != existing.ServerId)
                Add(PlanActionKind.Update, "volume", volume.Name, $"attach to {volume.ServerName}");
            else if (existing.SizeGb < volume.SizeGb)
                Add(PlanActionKind.None, "volume", volume.Name, $"exists with {existing.SizeGb} GB; the config asks {volume.SizeGb} GB (not resized)");
            else
                Add(PlanActionKind.None, "volume", volume.Name, "exists and attached");
        }

        foreach (var server in desired.Servers)
        {
            var role = server.IsMaster ? "k3s server" : "k3s agent";
            Add(live.K3sActive.Contains(server.Name) ? PlanActionKind.None : PlanActionKind.Create, role, server.Name,
                live.K3sActive.Contains(server.Name) ? "active" : live.Servers.ContainsKey(server.Name) ? "not active" : "new server");
        }

        foreach (var tunnel in desired.Tunnels)
        {
            var changes = live.TunnelChanges.GetValueOrDefault(tunnel.Service) ?? [];
            foreach (var change in changes)
                Add(change.Kind switch
                {
                    TunnelChangeKind.CreateTunnel or TunnelChangeKind.CreateRecord => PlanActionKind.Create,
                    TunnelChangeKind.DeleteRecord or TunnelChangeKind.DeleteTunnel => PlanActionKind.Delete,
                    _ => PlanActionKind.Update,
                }, TunnelKind(change.Kind), change.Target, change.Reason);
            if (changes.Count == 0)
                Add(PlanActionKind.None, "tunnel", tunnel.TunnelName, $"routes {string.Join(", ", tunnel.Hostnames)}");
        }

        if (cluster is null)
        {
            Add(PlanActionKind.Create, "image", desired.Names.Prefix, "no cluster yet: build and push");
            Add(PlanActionKind.Create, "workloads", desired.Names.App, "no cluster yet: apply every manifest");
        }
        else
        {
            actions.Add(cluster.Image);
            actions.AddRange(cluster.Objects);
        }

        // Scale down, after the rollout: drained, out of the cluster, then deleted.
        foreach (var surplus in live.SurplusServers.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            Add(PlanActionKind.Delete, "k3s node", surplus.Name, "beyond its group's count: drained (its pods move to the other servers) and removed from the cluster");
            Add(PlanActionKind.Delete, "server", surplus.Name, "beyond its group's count (the group's volumes stay on its first server)");
        }
        return new Plan(actions);
    }

    private static string TunnelKind(TunnelChangeKind kind) => kind switch
    {
        TunnelChangeKind.CreateTunnel or TunnelChangeKind.DeleteTunnel => "tunnel",
        TunnelChangeKind.PutConfiguration => "tunnel config",
        TunnelChangeKind.Conflict => "dns record (conflict)",
        _ => "dns record",
    };
}

/// <summary>The cluster's part of a plan: the image and every object, compared by applied hash.</summary>
public sealed record ClusterPlan(PlannedAction Image, IReadOnlyList<PlannedAction> Objects);
