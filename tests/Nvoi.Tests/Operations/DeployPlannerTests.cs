using Nvoi.Cloud;
using Nvoi.Configuration;
using Nvoi.Dns;
using Nvoi.Operations;
using Nvoi.Operations.Deploy;

namespace Nvoi.Tests.Operations;

/// <summary>The planner is pure: (config, live state) in, the deploy's changes out. Each row is one situation.</summary>
public class DeployPlannerTests
{
    private static DesiredState Desired(int workers = 2) => new(new DeployConfig
    {
        Application = new Application
        {
            Name = "shop",
            ComputeProvider = new ComputeProvider { Hetzner = new HetznerConfig { ApiToken = "t", ServerType = "cx22", ServerLocation = "fsn1" } },
            Servers =
            {
                ["master"] = new ServerGroup { Master = true, Volumes = { ["pgdata"] = new ServerVolume { Size = 20 } } },
                ["workers"] = new ServerGroup { Count = workers },
            },
        },
    });

    private static ServerInfo Server(string name, string type = "cx22", string id = "") =>
        new(id.Length > 0 ? id : name, name, ServerStatus.Running, "203.0.113.1", "10.0.0.2", type, "fsn1");

    /// <summary>Everything of <see cref="Desired"/> exists and runs, with <paramref name="workers"/> worker servers.</summary>
    private static LiveState Deployed(int workers = 2)
    {
        var live = new LiveState { Network = new NetworkInfo("n", "nvoi-shop-network", "10.0.0.0/16"), Firewall = new FirewallInfo("f", "nvoi-shop-firewall") };
        live.Servers["shop-master-1"] = Server("shop-master-1");
        for (var i = 1; i <= workers; i++) live.Servers[$"shop-workers-{i}"] = Server($"shop-workers-{i}");
        live.Volumes["shop-master-pgdata"] = new VolumeInfo("v", "shop-master-pgdata", 20, "fsn1", "shop-master-1", "/dev/disk/by-id/v");
        foreach (var name in live.Servers.Keys) live.K3sActive.Add(name);
        live.NodeLabels = new() { ["shop-master-1"] = "master" };
        for (var i = 1; i <= workers; i++) live.NodeLabels[$"shop-workers-{i}"] = "workers";
        return live;
    }

    private static readonly string[] IngressNginxDeletes =
    [
        "delete validatingwebhookconfiguration ingress-nginx-admission", "delete ingressclass nginx",
        "delete clusterrolebinding ingress-nginx", "delete clusterrole ingress-nginx",
        "delete clusterrolebinding ingress-nginx-admission", "delete clusterrole ingress-nginx-admission",
        "delete namespace ingress-nginx",
    ];

    private static readonly ClusterPlan UpToDate = new(new ReuseImage("nvoi-shop", "localhost:30500/nvoi-shop:20260101000000"), []);

    public static TheoryData<string, Func<(DesiredState, LiveState)>, string[]> Cases => new()
    {
        { "nothing exists", () => (Desired(), new LiveState()), [
            "create network nvoi-shop-network", "create firewall nvoi-shop-firewall",
            "create server shop-master-1", "create server shop-workers-1", "create server shop-workers-2",
            "create volume shop-master-pgdata",
            "create k3s server shop-master-1", "create k3s agent shop-workers-1", "create k3s agent shop-workers-2",
            "create image nvoi-shop", "create workloads shop"] },
        { "everything up to date", () => (Desired(), Deployed()), [] },
        { "nvoi's own cluster: no 0.2.0 leftovers", () =>
            {
                var live = Deployed();
                live.Nvoi020 = Nvoi020Leftovers.None;
                return (Desired(), live);
            }, [] },
        { "made by 0.2.0: Traefik disabled, ingress-nginx", () =>
            {
                var live = Deployed();
                live.Nvoi020 = new Nvoi020Leftovers(true, true, [], []);
                return (Desired(), live);
            }, ["update k3s traefik shop-master-1", .. IngressNginxDeletes] },
        { "a takeover stopped after its switch", () =>
            {
                var live = Deployed();
                live.Nvoi020 = new Nvoi020Leftovers(false, true, [], ["shop-web-adopt"]);
                return (Desired(), live);
            }, ["delete ingress (bridge) shop-web-adopt", .. IngressNginxDeletes] },
        { "count up", () => (Desired(workers: 3), Deployed()), ["create server shop-workers-3", "create k3s agent shop-workers-3"] },
        { "count down", () =>
            {
                var live = Deployed();
                live.Servers.Remove("shop-workers-2");
                live.SurplusServers.Add(Server("shop-workers-2"));
                return (Desired(workers: 1), live);
            }, ["delete k3s node shop-workers-2", "delete server shop-workers-2"] },
        { "a volume detached", () =>
            {
                var live = Deployed();
                live.Volumes["shop-master-pgdata"] = live.Volumes["shop-master-pgdata"] with { ServerId = null };
                return (Desired(), live);
            }, ["update volume shop-master-pgdata"] },
        { "a server of another type is left alone", () =>
            {
                var live = Deployed();
                live.Servers["shop-workers-1"] = Server("shop-workers-1", type: "cx32");
                return (Desired(), live);
            }, [] },
        { "k3s not active on a worker", () =>
            {
                var live = Deployed();
                live.K3sActive.Remove("shop-workers-2");
                return (Desired(), live);
            }, ["create k3s agent shop-workers-2"] },
        { "a node without its group label", () =>
            {
                var live = Deployed();
                live.NodeLabels!.Remove("shop-workers-1");
                live.NodeLabels["shop-workers-2"] = "master";
                return (Desired(), live);
            }, ["update k3s node shop-workers-1", "update k3s node shop-workers-2"] },
        { "a node joining now registers with its label", () =>
            {
                var live = Deployed();
                live.K3sActive.Remove("shop-workers-2");
                live.NodeLabels!.Remove("shop-workers-2");
                return (Desired(), live);
            }, ["create k3s agent shop-workers-2"] },
        { "an app with a domain left the config", () =>
            {
                var live = Deployed();
                live.RemovedTunnels.Add(new RemovedTunnel("admin", "nvoi-shop-admin", ["admin.example.com"],
                [
                    new(TunnelChangeKind.DeleteRecord, "admin.example.com", "CNAME to tunnel nvoi-shop-admin"),
                    new(TunnelChangeKind.DeleteTunnel, "nvoi-shop-admin", "tunnel t1"),
                ]));
                return (Desired(), live);
            }, ["delete dns record admin.example.com", "delete tunnel nvoi-shop-admin"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plans_exactly_the_changes_of_each_situation(string situation, Func<(DesiredState, LiveState)> given, string[] expected)
    {
        var (desired, live) = given();
        var cluster = live.K3sActive.Contains(desired.Master.Name) ? UpToDate : null;
        var plan = DeployPlanner.Plan(desired, live, cluster);
        var changes = plan.Actions.Where(a => a.IsChange).Select(a => $"{a.Action.ToString().ToLowerInvariant()} {a.Kind} {a.Name}").ToArray();
        Assert.True(expected.SequenceEqual(changes), $"{situation}: expected [{string.Join(", ", expected)}], planned [{string.Join(", ", changes)}]");
    }

    [Fact]
    public void A_scale_down_is_destructive_and_comes_after_the_workloads()
    {
        var live = Deployed();
        live.Servers.Remove("shop-workers-2");
        live.SurplusServers.Add(Server("shop-workers-2"));
        var plan = DeployPlanner.Plan(Desired(workers: 1), live, new ClusterPlan(new BuildImage("nvoi-shop", "build context changed", null),
            [new ApplyObject("Deployment/shop-web", PlanActionKind.Update, "differs from the config")]));
        Assert.True(plan.HasDestructive);
        var kinds = plan.Actions.Where(a => a.IsChange).Select(a => a.Kind).ToList();
        Assert.Equal(["image", "deployment", "deploy history", "k3s node", "server"], kinds);
        // Each row is derived from a typed change the deploy executes.
        Assert.Equal("shop-workers-2", Assert.Single(plan.ChangesOf<RemoveServer>()).Server.Name);
        Assert.Equal("Deployment/shop-web", Assert.Single(plan.ChangesOf<ApplyObject>()).Key);
    }

    [Fact]
    public void Tunnel_changes_are_planned_as_the_publisher_will_make_them()
    {
        var desired = OneWebApp();
        var live = new LiveState();
        live.TunnelChanges["web"] =
        [
            new(TunnelChangeKind.CreateTunnel, "nvoi-shop-web", "not found"),
            new(TunnelChangeKind.PutConfiguration, "nvoi-shop-web", "routes shop.example.com"),
            new(TunnelChangeKind.CreateRecord, "shop.example.com", "not found"),
        ];
        var changes = DeployPlanner.Plan(desired, live, null).Actions.Where(a => a.Kind is "tunnel" or "tunnel config" or "dns record")
            .Select(a => $"{a.Action.ToString().ToLowerInvariant()} {a.Kind} {a.Name}");
        Assert.Equal(["create tunnel nvoi-shop-web", "update tunnel config nvoi-shop-web", "create dns record shop.example.com"], changes);
    }

    [Fact]
    public void A_tunnel_on_ingress_nginx_is_switched_before_the_workloads_and_ingress_nginx_removed_after()
    {
        var desired = OneWebApp();
        var live = new LiveState { Network = new NetworkInfo("n", "nvoi-shop-network", "10.0.0.0/16"), Firewall = new FirewallInfo("f", "nvoi-shop-firewall") };
        live.Servers["shop-master-1"] = Server("shop-master-1");
        live.K3sActive.Add("shop-master-1");
        live.NodeLabels = new() { ["shop-master-1"] = "master" };
        live.Nvoi020 = new Nvoi020Leftovers(true, true, ["web"], []);
        var plan = DeployPlanner.Plan(desired, live, new ClusterPlan(new BuildImage("nvoi-shop", "not deployed yet", null),
            [new ApplyObject("Ingress/shop-web", PlanActionKind.Update, "differs from the config")]));
        var changes = plan.Actions.Where(a => a.IsChange).Select(a => $"{a.Action.ToString().ToLowerInvariant()} {a.Kind} {a.Name}").ToList();
        Assert.Equal(
            ["update k3s traefik shop-master-1", "create ingress (bridge) shop-web-adopt", "update tunnel origin nvoi-shop-web",
             "create image nvoi-shop", "update ingress shop-web", "update deploy history nvoi-deploy-history", "delete ingress (bridge) shop-web-adopt",
             .. IngressNginxDeletes],
            changes);
        Assert.True(plan.HasDestructive);
        Assert.Contains("verify shop.example.com, else switch back", plan.Actions.Single(a => a.Kind == "tunnel origin").Reason);
        Assert.All(plan.Actions.Where(a => a.IsChange && a.Kind is not ("image" or "ingress" or "deploy history")), a => Assert.True(a.Kind == "ingress (bridge)" || a.Reason.Contains("nvoi 0.2.0"), a.ToString()));
    }

    /// <summary>One master and one web app on shop.example.com.</summary>
    private static DesiredState OneWebApp() => new(new DeployConfig
    {
        Application = new Application
        {
            Name = "shop",
            ComputeProvider = new ComputeProvider { Hetzner = new HetznerConfig { ApiToken = "t", ServerType = "cx22", ServerLocation = "fsn1" } },
            Servers = { ["master"] = new ServerGroup { Master = true } },
            App = { ["web"] = new AppService { Port = 3000, Domain = "example.com", Subdomain = "shop", Servers = ["master"] } },
        },
    });
}
