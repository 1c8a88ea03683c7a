using Nvoi.Dns;

namespace Nvoi.Operations.Delete;

/// <summary>The teardown plan, in the order of reference §7. Pure.</summary>
public static class DeletePlanner
{
    public static Plan Plan(DeleteState live, bool deleteVolumes)
    {
        var actions = new List<PlannedAction>();
        var serverNames = live.Servers.ToDictionary(s => s.Id, s => s.Name);
        foreach (var v in live.Volumes.Where(v => v.ServerId is not null))
            actions.Add(new(PlanActionKind.Update, "volume", v.Name,
                $"detach from {serverNames.GetValueOrDefault(v.ServerId!, v.ServerId!)}"));
        foreach (var s in live.Servers)
            actions.Add(new(PlanActionKind.Delete, "server", s.Name, $"{s.ServerType}, {s.PublicIPv4 ?? "no public IP"}"));
        foreach (var v in live.Volumes)
            actions.Add(deleteVolumes
                ? new(PlanActionKind.Delete, "volume", v.Name, $"{v.SizeGb} GB: its data is lost (--delete-volumes)")
                : new(PlanActionKind.None, "volume", v.Name, $"{v.SizeGb} GB kept (your data); --delete-volumes deletes it"));
        if (live.Firewall is { } fw) actions.Add(new(PlanActionKind.Delete, "firewall", fw.Name, "exists"));
        if (live.Network is { } net) actions.Add(new(PlanActionKind.Delete, "network", net.Name, "exists"));
        foreach (var (_, changes) in live.Tunnels)
            foreach (var c in changes)
                actions.Add(new(PlanActionKind.Delete, c.Kind == TunnelChangeKind.DeleteTunnel ? "tunnel" : "dns record", c.Target, c.Reason));
        return new Plan(actions);
    }
}
