using Nvoi.Sandbox.Emulation;

namespace Nvoi.Dns.Tests;

public sealed class TunnelPublisherTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Origin = "http://traefik.kube-system.svc.cluster.local:80";

    [Fact]
    public async Task Reads_the_configuration_back_before_writing_dns()
    {
        var options = new EmulatorOptions { Settings = new Dictionary<string, string> { ["cloudflare.config_propagation_reads"] = "3" } };
        await using var cf = await CloudflareFixture.StartAsync(options);
        using var client = cf.Client();

        var published = await cf.Publisher(client).EnsureAsync("shop-production", ["example.com", "*.example.com", "app.example.co.uk"], Origin, Ct);

        var log = cf.Requests.ToList();
        var lastConfigRead = log.FindLastIndex(r => r.StartsWith("GET ") && r.EndsWith("/configurations"));
        var firstDnsWrite = log.FindIndex(r => r.StartsWith("POST ") && r.Contains("/dns_records"));
        Assert.True(lastConfigRead >= 0 && lastConfigRead < firstDnsWrite, string.Join("\n", log));
        // One read before the put, then three stale reads and the matching one, 2 s apart on the clock.
        Assert.Equal(5, log.Count(r => r.StartsWith("GET ") && r.EndsWith("/configurations")));
        Assert.Equal(3, cf.Time.Delays.Count(d => d == TimeSpan.FromSeconds(2)));

        Assert.Equal(1, published.Configuration.Version);
        Assert.Equal(TunnelPublisher.DesiredIngress(["example.com", "*.example.com", "app.example.co.uk"], Origin), published.Configuration.Ingress);
        Assert.Equal(["example.com", "*.example.com", "app.example.co.uk"], published.Records.Select(r => r.Name));
        Assert.All(published.Records, r => Assert.Equal(("CNAME", published.Tunnel.CnameTarget, true), (r.Type, r.Content, r.Proxied)));
        var ukZone = (await client.FindZoneForHostnameAsync("app.example.co.uk", Ct))!;
        Assert.Single(await client.ListDnsRecordsAsync(ukZone, null, Ct));
    }

    [Fact]
    public async Task A_tunnel_on_a_kept_origin_is_left_there_until_published_without_it()
    {
        const string nginx = "http://ingress-nginx-controller.ingress-nginx.svc.cluster.local:80";
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        string[] hosts = ["shop.example.com"];
        await cf.Publisher(client).EnsureAsync("nvoi-shop-web", hosts, nginx, Ct);
        var puts = cf.Sent("PUT", "/configurations").Count();

        // Kept: no configuration put, the plan sees nothing to change.
        var kept = await cf.Publisher(client).EnsureAsync("nvoi-shop-web", hosts, Origin, Ct, [nginx]);
        Assert.Equal(nginx, kept.Configuration.Ingress[0].Service);
        Assert.Equal(puts, cf.Sent("PUT", "/configurations").Count());
        Assert.Empty(await new TunnelPlanner(client).PlanEnsureAsync("nvoi-shop-web", hosts, Origin, Ct, [nginx]));
        Assert.Single(await new TunnelPlanner(client).PlanEnsureAsync("nvoi-shop-web", hosts, Origin, Ct));

        // Without it, the tunnel switches; kept origins then no longer apply.
        var switched = await cf.Publisher(client).EnsureAsync("nvoi-shop-web", hosts, Origin, Ct);
        Assert.Equal(Origin, switched.Configuration.Ingress[0].Service);
        Assert.Equal(Origin, (await cf.Publisher(client).EnsureAsync("nvoi-shop-web", hosts, Origin, Ct, [nginx])).Configuration.Ingress[0].Service);
        // A kept origin does not hide other differences: a hostname added is still put.
        var more = await cf.Publisher(client).EnsureAsync("nvoi-shop-web", ["shop.example.com", "www.example.com"], Origin, Ct, [nginx]);
        Assert.Equal(3, more.Configuration.Ingress.Count);
    }

    [Fact]
    public async Task A_configuration_that_never_reads_back_times_out_on_the_clock()
    {
        var options = new EmulatorOptions { Settings = new Dictionary<string, string> { ["cloudflare.config_propagation_reads"] = "1000" } };
        await using var cf = await CloudflareFixture.StartAsync(options);
        using var client = cf.Client();

        await Assert.ThrowsAsync<TunnelConfigurationTimeoutException>(() =>
            cf.Publisher(client).EnsureAsync("slow", ["slow.example.com"], Origin, Ct));
        Assert.Empty(cf.Sent("POST", "/dns_records"));
    }

    [Fact]
    public async Task Running_again_changes_nothing()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var publisher = cf.Publisher(client);

        var first = await publisher.EnsureAsync("shop-production", ["www.example.com", "example.com"], Origin, Ct);
        var writes = cf.Requests.Count(r => !r.StartsWith("GET"));
        var second = await publisher.EnsureAsync("shop-production", ["www.example.com", "example.com"], Origin, Ct);

        Assert.Equal(writes, cf.Requests.Count(r => !r.StartsWith("GET")));
        Assert.Equal(first.Tunnel, second.Tunnel);
        Assert.Equal(first.Records, second.Records);
        Assert.Equal(first.Token, second.Token);
        Assert.DoesNotContain(first.Token.Value, first.ToString()); // the record prints, the secret does not
    }

    [Fact]
    public async Task A_new_hostname_updates_the_configuration_and_adds_its_record()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var publisher = cf.Publisher(client);
        await publisher.EnsureAsync("p-s", ["www.example.com"], Origin, Ct);

        var result = await publisher.EnsureAsync("p-s", ["www.example.com", "api.example.com"], Origin, Ct);

        Assert.Equal(2, result.Configuration.Version);
        Assert.Equal(3, result.Configuration.Ingress.Count);
        Assert.Equal(2, result.Records.Count);
    }

    [Fact]
    public async Task A_hostname_outside_every_zone_fails_before_anything_is_created()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();

        var e = await Assert.ThrowsAsync<CloudflareZoneNotFoundException>(() =>
            cf.Publisher(client).EnsureAsync("p-s", ["app.unknown.org"], Origin, Ct));
        Assert.Contains("app.unknown.org", e.Message);
        Assert.Contains("example.com", e.Message);
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
        Assert.DoesNotContain(cf.Requests, r => !r.StartsWith("GET"));
    }

    [Fact]
    public async Task Remove_deletes_only_records_of_the_tunnel_then_the_tunnel()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var publisher = cf.Publisher(client);
        var published = await publisher.EnsureAsync("p-s", ["www.example.com", "example.com"], Origin, Ct);
        var zone = (await client.FindZoneForHostnameAsync("example.com", Ct))!;
        // example.com was moved to something else meanwhile: it must survive.
        await client.UpsertCnameAsync(zone, "example.com", "elsewhere.example.net", true, Ct);
        cf.Emulator.SetConnections(published.Tunnel.Id, 1);

        await publisher.RemoveAsync("p-s", ["www.example.com", "example.com"], Ct);

        Assert.Null(await client.FindDnsRecordAsync(zone, "www.example.com", "CNAME", Ct));
        Assert.Equal("elsewhere.example.net", (await client.FindDnsRecordAsync(zone, "example.com", "CNAME", Ct))!.Content);
        Assert.Null(await client.FindTunnelAsync("p-s", Ct));
        Assert.Single(cf.Sent("DELETE", "/connections"));

        var writes = cf.Requests.Count(r => !r.StartsWith("GET"));
        await publisher.RemoveAsync("p-s", ["www.example.com", "example.com"], Ct);
        Assert.Equal(writes, cf.Requests.Count(r => !r.StartsWith("GET")));
    }

    [Fact]
    public async Task Remove_after_the_tunnel_is_gone_still_clears_its_records()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var publisher = cf.Publisher(client);
        var published = await publisher.EnsureAsync("p-s", ["www.example.com"], Origin, Ct);
        await client.DeleteTunnelAsync(published.Tunnel.Id, Ct); // a delete that died after the tunnel went

        await publisher.RemoveAsync("p-s", ["www.example.com"], Ct);

        var zone = (await client.FindZoneForHostnameAsync("example.com", Ct))!;
        Assert.True(await client.IsNameFreeAsync(zone, "www.example.com", Ct));
    }
}
