using Nvoi.Sandbox.Emulation;

namespace Nvoi.Dns.Tests;

public sealed class FaultTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string Origin = "http://traefik.kube-system.svc:80";

    [Theory]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(2026)]
    public async Task Three_tunnels_converge_under_20_percent_faults_without_duplicates(int seed)
    {
        await using var cf = await CloudflareFixture.StartAsync(new EmulatorOptions { FaultRate = 0.2, Seed = seed });
        using var client = cf.Client();
        var publisher = cf.Publisher(client);
        var wanted = new Dictionary<string, string[]>
        {
            ["shop-production"] = ["example.com", "*.example.com"],
            ["blog-production"] = ["blog.example.com", "www.example.co.uk"],
            ["api-staging"] = ["api.staging.example.co.uk"],
        };

        foreach (var (name, hosts) in wanted)
            await EnsureUntilDoneAsync(() => publisher.EnsureAsync(name, hosts, Origin, Ct));

        // Faults stay on while the check reads, so read it with the same patient client.
        var tunnels = await client.ListTunnelsAsync(null, deleted: null, Ct);
        Assert.Equal(wanted.Keys.Order(), tunnels.Select(t => t.Name).Order()); // exactly one each, none deleted
        var records = new List<DnsRecord>();
        foreach (var zone in await client.ListZonesAsync(Ct))
            records.AddRange(await client.ListDnsRecordsAsync(zone, null, Ct));
        Assert.Equal(wanted.Values.SelectMany(h => h).Order(), records.Select(r => r.Name).Order());
        foreach (var (name, hosts) in wanted)
        {
            var tunnel = tunnels.Single(t => t.Name == name);
            Assert.All(records.Where(r => hosts.Contains(r.Name)), r => Assert.Equal(tunnel.CnameTarget, r.Content));
            var config = await client.GetTunnelConfigurationAsync(tunnel.Id, Ct);
            Assert.Equal(TunnelPublisher.DesiredIngress(hosts, Origin), config!.Ingress);
        }
        // Faults really happened: rate limits, refusals and lost answers.
        var statuses = cf.Answers.Select(a => a[..3]).ToHashSet();
        Assert.Superset(new HashSet<string> { "429", "503", "500" }, statuses);
        Assert.Contains(cf.Answers, a => a[0] == '5' && a.Contains(" POST ")); // a create that failed, then was looked up
    }

    [Fact]
    public async Task Three_tunnels_set_up_in_parallel_under_faults_converge()
    {
        await using var cf = await CloudflareFixture.StartAsync(new EmulatorOptions { FaultRate = 0.2, Seed = 11 });
        using var client = cf.Client();
        var publisher = cf.Publisher(client);
        var wanted = new Dictionary<string, string[]>
        {
            ["a-web"] = ["a.example.com"],
            ["b-web"] = ["b.example.com", "b.example.co.uk"],
            ["c-web"] = ["c.example.co.uk"],
        };

        await Task.WhenAll(wanted.Select(w => EnsureUntilDoneAsync(() => publisher.EnsureAsync(w.Key, w.Value, Origin, Ct))));
        // A second deploy finds everything in place.
        await Task.WhenAll(wanted.Select(w => EnsureUntilDoneAsync(() => publisher.EnsureAsync(w.Key, w.Value, Origin, Ct))));

        var tunnels = await client.ListTunnelsAsync(null, deleted: null, Ct);
        Assert.Equal(wanted.Keys.Order(), tunnels.Select(t => t.Name).Order());
        var records = new List<DnsRecord>();
        foreach (var zone in await client.ListZonesAsync(Ct))
            records.AddRange(await client.ListDnsRecordsAsync(zone, null, Ct));
        Assert.Equal(wanted.Values.SelectMany(h => h).Order(), records.Select(r => r.Name).Order());
    }

    [Fact]
    public async Task Removing_under_faults_converges_too()
    {
        await using var cf = await CloudflareFixture.StartAsync(new EmulatorOptions { FaultRate = 0.2, Seed = 5 });
        using var client = cf.Client();
        var publisher = cf.Publisher(client);
        await EnsureUntilDoneAsync(() => publisher.EnsureAsync("p-s", ["a.example.com", "b.example.com"], Origin, Ct));

        await EnsureUntilDoneAsync(() => publisher.RemoveAsync("p-s", ["a.example.com", "b.example.com"], Ct));

        Assert.Empty(await client.ListTunnelsAsync("p-s", deleted: false, Ct));
        var zone = (await client.FindZoneForHostnameAsync("a.example.com", Ct))!;
        Assert.Empty(await client.ListDnsRecordsAsync(zone, null, Ct));
    }

    [Fact]
    public async Task State_survives_a_restart()
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-cf-");
        try
        {
            var options = new EmulatorOptions { StateDirectory = dir.FullName };
            PublishedTunnel first;
            await using (var cf = await CloudflareFixture.StartAsync(options))
            using (var client = cf.Client())
                first = await cf.Publisher(client).EnsureAsync("p-s", ["www.example.com"], Origin, Ct);

            await using var again = await CloudflareFixture.StartAsync(options);
            using var client2 = again.Client();
            var second = await again.Publisher(client2).EnsureAsync("p-s", ["www.example.com"], Origin, Ct);

            Assert.Equal(first.Tunnel, second.Tunnel);
            Assert.Equal(first.Records, second.Records);
            Assert.DoesNotContain(again.Requests, r => !r.StartsWith("GET"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>What a user does after a failed deploy: run it again (a few times at most).</summary>
    private static async Task EnsureUntilDoneAsync(Func<Task> run)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { await run(); return; }
            catch (CloudflareApiException) when (attempt < 5) { }
        }
    }
}
