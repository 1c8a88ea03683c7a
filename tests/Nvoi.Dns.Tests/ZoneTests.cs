namespace Nvoi.Dns.Tests;

public sealed class ZoneTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Lists_every_zone_across_pages()
    {
        var names = Enumerable.Range(1, 60).Select(i => $"zone{i:00}.test").ToArray();
        await using var cf = await CloudflareFixture.StartAsync(null, names);
        using var client = cf.Client();

        var zones = await client.ListZonesAsync(Ct);

        Assert.Equal(names.Order(), zones.Select(z => z.Name).Order());
        Assert.Equal(60, zones.Select(z => z.Id).Distinct().Count());
        Assert.All(zones, z => Assert.Matches("^[0-9a-f]{32}$", z.Id));
        var pages = cf.Sent("GET", "/zones?");
        Assert.Equal(2, pages.Length); // 50 per page
        Assert.Contains(pages, p => p.Contains("page=2"));
    }

    [Theory]
    [InlineData("app.example.co.uk", "example.co.uk")]
    [InlineData("example.co.uk", "example.co.uk")]
    [InlineData("*.example.co.uk", "example.co.uk")]
    [InlineData("shop.other.co.uk", "co.uk")]
    [InlineData("WWW.Example.COM.", "example.com")]
    [InlineData("deep.a.b.example.com", "example.com")]
    public async Task Finds_the_zone_by_longest_matching_suffix(string hostname, string zone)
    {
        await using var cf = await CloudflareFixture.StartAsync(null, "co.uk", "example.co.uk", "example.com");
        using var client = cf.Client();

        var found = await client.FindZoneForHostnameAsync(hostname, Ct);

        Assert.Equal(zone, found?.Name);
    }

    [Theory]
    [InlineData("example.com.evil.org")]
    [InlineData("notexample.com")]
    [InlineData("uk")]
    public void No_zone_when_no_suffix_matches_on_a_label_boundary(string hostname)
    {
        var zones = new[] { new CloudflareZone("1", "example.com", "active"), new CloudflareZone("2", "example.co.uk", "active") };
        Assert.Null(ZoneMatcher.FindZone(hostname, zones));
    }

    [Theory]
    [InlineData("example.com", "", "example.com")]
    [InlineData("example.com", "@", "example.com")]
    [InlineData("example.com", "*", "*.example.com")]
    [InlineData("Example.com", "WWW", "www.example.com")]
    public void Hostname_of_domain_and_subdomain(string domain, string subdomain, string expected) =>
        Assert.Equal(expected, DnsNames.Hostname(domain, subdomain));
}
