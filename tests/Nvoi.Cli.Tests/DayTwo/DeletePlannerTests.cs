using Nvoi.Cloud;
using Nvoi.Dns;
using Nvoi.Operations;
using Nvoi.Operations.Delete;
using Nvoi.Operations.Deploy;

namespace Nvoi.Cli.Tests.DayTwo;

public class DeletePlannerTests
{
    private static DeleteState Live() => new()
    {
        Network = new NetworkInfo("n1", "nvoi-shop-network", "10.0.0.0/16"),
        Firewall = new FirewallInfo("f1", "nvoi-shop-firewall"),
        Servers = [new ServerInfo("s1", "shop-master-1", ServerStatus.Running, "1.2.3.4", "10.0.0.2", "cx22", "fsn1")],
        Volumes =
        [
            new VolumeInfo("v1", "shop-master-pgdata", 20, "fsn1", "s1", "/dev/disk/by-id/x"),
            new VolumeInfo("v2", "shop-master-uploads", 5, "fsn1", null, null),
        ],
        Tunnels = [(new DesiredTunnel("web", "nvoi-shop-web", ["shop.example.com"]),
            (IReadOnlyList<TunnelChange>)[new(TunnelChangeKind.DeleteRecord, "shop.example.com", "CNAME"), new(TunnelChangeKind.DeleteTunnel, "nvoi-shop-web", "tunnel t1")])],
    };

    [Fact]
    public void Plan_follows_the_reference_order_and_keeps_volumes_by_default()
    {
        var plan = DeletePlanner.Plan(Live(), deleteVolumes: false);
        Assert.Equal(
            [("update", "volume", "shop-master-pgdata"), ("delete", "server", "shop-master-1"), ("none", "volume", "shop-master-pgdata"),
             ("none", "volume", "shop-master-uploads"), ("delete", "firewall", "nvoi-shop-firewall"), ("delete", "network", "nvoi-shop-network"),
             ("delete", "dns record", "shop.example.com"), ("delete", "tunnel", "nvoi-shop-web")],
            plan.Actions.Select(a => (Nvoi.Cli.Rendering.PlanPrinter.ActionName(a.Action), a.Kind, a.Name)));
        Assert.Contains("kept", plan.Actions[2].Reason);
    }

    [Fact]
    public void With_delete_volumes_every_volume_is_deleted_and_nothing_left_means_no_changes()
    {
        var plan = DeletePlanner.Plan(Live(), deleteVolumes: true);
        Assert.Equal(2, plan.Actions.Count(a => a.Kind == "volume" && a.Action == PlanActionKind.Delete));

        var empty = new DeleteState { Servers = [], Volumes = [new VolumeInfo("v2", "shop-master-uploads", 5, "fsn1", null, null)], Tunnels = [] };
        Assert.False(DeletePlanner.Plan(empty, deleteVolumes: false).HasChanges);
        Assert.True(DeletePlanner.Plan(empty, deleteVolumes: true).HasChanges);
    }
}
