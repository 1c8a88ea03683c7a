namespace Nvoi.Dns.Tests;

public sealed class DnsRecordTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Creates_finds_updates_and_deletes_a_record()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var zone = (await client.FindZoneForHostnameAsync("www.example.com", Ct))!;

        var created = await client.CreateDnsRecordAsync(zone, new DnsRecordSpec("A", "www.example.com", "203.0.113.7", Proxied: true), Ct);
        Assert.Equal(("A", "www.example.com", "203.0.113.7", true, 1), (created.Type, created.Name, created.Content, created.Proxied, created.Ttl));

        var found = await client.FindDnsRecordAsync(zone, "WWW.example.com", "A", Ct);
        Assert.Equal(created, found);
        Assert.Null(await client.FindDnsRecordAsync(zone, "www.example.com", "CNAME", Ct));

        var updated = await client.UpdateDnsRecordAsync(zone, created.Id, new DnsRecordSpec("A", "www.example.com", "203.0.113.8", Proxied: false, Ttl: 300), Ct);
        Assert.Equal((created.Id, "203.0.113.8", false, 300), (updated.Id, updated.Content, updated.Proxied, updated.Ttl));

        await client.DeleteDnsRecordAsync(zone, created.Id, Ct);
        Assert.Null(await client.FindDnsRecordAsync(zone, "www.example.com", "A", Ct));
        await client.DeleteDnsRecordAsync(zone, created.Id, Ct); // already gone: no error
    }

    [Fact]
    public async Task Apex_and_wildcard_records_live_side_by_side()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var zone = (await client.FindZoneForHostnameAsync("example.com", Ct))!;

        var apex = await client.UpsertCnameAsync(zone, "example.com", "abc.cfargotunnel.com", proxied: true, Ct);
        var wildcard = await client.UpsertCnameAsync(zone, "*.example.com", "abc.cfargotunnel.com", proxied: true, Ct);

        Assert.Equal("example.com", apex.Name);
        Assert.Equal("*.example.com", wildcard.Name);
        Assert.NotEqual(apex.Id, wildcard.Id);
        Assert.False(await client.IsNameFreeAsync(zone, "example.com", Ct));
        Assert.False(await client.IsNameFreeAsync(zone, "*.example.com", Ct));
        Assert.True(await client.IsNameFreeAsync(zone, "www.example.com", Ct));
        Assert.Equal(2, (await client.ListDnsRecordsAsync(zone, null, Ct)).Count);
    }

    [Fact]
    public async Task Upsert_creates_then_leaves_alone_then_repoints()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var zone = (await client.FindZoneForHostnameAsync("app.example.co.uk", Ct))!;

        var first = await client.UpsertCnameAsync(zone, "app.example.co.uk", "one.cfargotunnel.com", true, Ct);
        var writesBefore = cf.Requests.Count(r => !r.StartsWith("GET"));
        var same = await client.UpsertCnameAsync(zone, "app.example.co.uk", "one.cfargotunnel.com", true, Ct);
        Assert.Equal(first, same);
        Assert.Equal(writesBefore, cf.Requests.Count(r => !r.StartsWith("GET")));

        var moved = await client.UpsertCnameAsync(zone, "app.example.co.uk", "two.cfargotunnel.com", true, Ct);
        Assert.Equal(first.Id, moved.Id);
        Assert.Equal("two.cfargotunnel.com", moved.Content);
        Assert.Single(await client.ListDnsRecordsAsync(zone, "app.example.co.uk", Ct));
    }

    [Fact]
    public async Task A_cname_over_an_address_record_is_refused_with_81053()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var zone = (await client.FindZoneForHostnameAsync("api.example.com", Ct))!;
        await client.CreateDnsRecordAsync(zone, new DnsRecordSpec("A", "api.example.com", "198.51.100.1", true), Ct);

        Assert.False(await client.IsNameFreeAsync(zone, "api.example.com", Ct));
        var e = await Assert.ThrowsAsync<CloudflareApiException>(() =>
            client.UpsertCnameAsync(zone, "api.example.com", "x.cfargotunnel.com", true, Ct));
        Assert.Equal(81053, e.Code);
        Assert.Equal(400, e.StatusCode);
        Assert.Contains("already exists", e.Message);
    }

    [Fact]
    public async Task Lists_records_across_pages()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var zone = (await client.FindZoneForHostnameAsync("example.com", Ct))!;
        for (var i = 0; i < 130; i++)
            await client.CreateDnsRecordAsync(zone, new DnsRecordSpec("TXT", $"t{i}.example.com", $"v={i}", false), Ct);

        var all = await client.ListDnsRecordsAsync(zone, null, Ct);

        Assert.Equal(130, all.Select(r => r.Name).Distinct().Count());
        Assert.Equal(2, cf.Sent("GET", "/dns_records?page=").Length);
    }
}
