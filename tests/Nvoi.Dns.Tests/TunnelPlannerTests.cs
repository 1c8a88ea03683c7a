namespace Nvoi.Dns.Tests;

public sealed class TunnelPlannerTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Origin = "http://web.default.svc:80";

    private static (TunnelChangeKind, string)[] Kinds(IEnumerable<TunnelChange> changes) => changes.Select(c => (c.Kind, c.Target)).ToArray();

    [Fact]
    public async Task Plans_everything_for_a_fresh_account_and_nothing_once_applied()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var planner = new TunnelPlanner(client);
        string[] hosts = ["example.com", "*.example.com"];

        var plan = await planner.PlanEnsureAsync("p-s", hosts, Origin, Ct);
        Assert.Equal(
            [(TunnelChangeKind.CreateTunnel, "p-s"), (TunnelChangeKind.PutConfiguration, "p-s"),
             (TunnelChangeKind.CreateRecord, "example.com"), (TunnelChangeKind.CreateRecord, "*.example.com")],
            Kinds(plan));
        Assert.DoesNotContain(cf.Requests, r => !r.StartsWith("GET"));

        await cf.Publisher(client).EnsureAsync("p-s", hosts, Origin, Ct);
        Assert.Empty(await planner.PlanEnsureAsync("p-s", hosts, Origin, Ct));
    }

    [Fact]
    public async Task Plans_a_changed_origin_a_moved_record_and_a_conflict()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        await cf.Publisher(client).EnsureAsync("p-s", ["www.example.com"], Origin, Ct);
        var zone = (await client.FindZoneForHostnameAsync("example.com", Ct))!;
        await client.UpsertCnameAsync(zone, "www.example.com", "other.example.net", true, Ct);
        await client.CreateDnsRecordAsync(zone, new DnsRecordSpec("A", "api.example.com", "192.0.2.1", true), Ct);

        var plan = await new TunnelPlanner(client).PlanEnsureAsync("p-s", ["www.example.com", "api.example.com"], "http://other:80", Ct);

        Assert.Equal(
            [(TunnelChangeKind.PutConfiguration, "p-s"), (TunnelChangeKind.UpdateRecord, "www.example.com"), (TunnelChangeKind.Conflict, "api.example.com")],
            Kinds(plan));
        Assert.Contains("other.example.net", plan[1].Reason);
    }

    [Fact]
    public async Task Plans_removal_of_own_records_and_the_tunnel()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        await cf.Publisher(client).EnsureAsync("p-s", ["a.example.com", "b.example.com"], Origin, Ct);
        var zone = (await client.FindZoneForHostnameAsync("example.com", Ct))!;
        await client.UpsertCnameAsync(zone, "b.example.com", "other.example.net", true, Ct);
        var planner = new TunnelPlanner(client);

        var plan = await planner.PlanRemoveAsync("p-s", ["a.example.com", "b.example.com"], Ct);

        Assert.Equal([(TunnelChangeKind.DeleteRecord, "a.example.com"), (TunnelChangeKind.DeleteTunnel, "p-s")], Kinds(plan));
        await cf.Publisher(client).RemoveAsync("p-s", ["a.example.com", "b.example.com"], Ct);
        Assert.Empty(await planner.PlanRemoveAsync("p-s", ["a.example.com", "b.example.com"], Ct));
    }
}
