using System.Text;
using System.Text.Json;

namespace Nvoi.Dns.Tests;

public sealed class TunnelTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Creates_a_remotely_managed_tunnel_and_finds_it_by_name()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();

        Assert.Null(await client.FindTunnelAsync("shop-production", Ct));
        var tunnel = await client.CreateTunnelAsync("shop-production", Ct);

        Assert.True(Guid.TryParse(tunnel.Id, out _));
        Assert.Equal("cloudflare", tunnel.ConfigSource);
        Assert.Equal($"{tunnel.Id}.cfargotunnel.com", tunnel.CnameTarget);
        Assert.Equal(tunnel, await client.FindTunnelAsync("shop-production", Ct));
        Assert.Null(await client.FindTunnelAsync("shop", Ct));
    }

    [Fact]
    public async Task Token_is_base64_json_of_account_tunnel_and_secret()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var tunnel = await client.CreateTunnelAsync("t1", Ct);

        var token = await client.GetTunnelTokenAsync(tunnel.Id, Ct);

        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token.Value)));
        Assert.Equal(client.AccountId, json.RootElement.GetProperty("a").GetString());
        Assert.Equal(tunnel.Id, json.RootElement.GetProperty("t").GetString());
        Assert.Equal(32, Convert.FromBase64String(json.RootElement.GetProperty("s").GetString()!).Length);
        Assert.DoesNotContain(token.Value, token.ToString());
    }

    [Fact]
    public async Task Puts_and_reads_back_the_ingress_with_versions()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var tunnel = await client.CreateTunnelAsync("t1", Ct);
        Assert.Null(await client.GetTunnelConfigurationAsync(tunnel.Id, Ct));

        var ingress = TunnelPublisher.DesiredIngress(["app.example.com", "*.example.com"], "http://web.default.svc:80");
        var put = await client.PutTunnelConfigurationAsync(tunnel.Id, ingress, Ct);
        var read = await client.GetTunnelConfigurationAsync(tunnel.Id, Ct);

        Assert.Equal(1, put.Version);
        Assert.Equal(ingress, read!.Ingress);
        Assert.Equal(new IngressRule("*.example.com", "http://web.default.svc:80", "example.com"), read.Ingress[1]);
        Assert.Equal(IngressRule.NotFound, read.Ingress[^1]);
        Assert.Equal(2, (await client.PutTunnelConfigurationAsync(tunnel.Id, ingress, Ct)).Version);
    }

    [Fact]
    public async Task A_configuration_without_a_catch_all_is_refused()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var tunnel = await client.CreateTunnelAsync("t1", Ct);

        var e = await Assert.ThrowsAsync<CloudflareApiException>(() =>
            client.PutTunnelConfigurationAsync(tunnel.Id, [new IngressRule("a.example.com", "http://x:80")], Ct));
        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public async Task Deleting_needs_connections_cleaned_and_deleted_tunnels_are_ignored()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        var tunnel = await client.CreateTunnelAsync("t1", Ct);
        cf.Emulator.SetConnections(tunnel.Id, 2);

        var refused = await Assert.ThrowsAsync<CloudflareApiException>(() => client.DeleteTunnelAsync(tunnel.Id, Ct));
        Assert.Equal(1022, refused.Code);

        await client.CleanupTunnelConnectionsAsync(tunnel.Id, Ct);
        await client.DeleteTunnelAsync(tunnel.Id, Ct);
        await client.DeleteTunnelAsync(tunnel.Id, Ct); // already deleted: no error

        Assert.Null(await client.FindTunnelAsync("t1", Ct));
        var deleted = Assert.Single(await client.ListTunnelsAsync("t1", deleted: true, Ct));
        Assert.NotNull(deleted.DeletedAt);

        var again = await client.CreateTunnelAsync("t1", Ct); // the name is free again
        Assert.NotEqual(tunnel.Id, again.Id);
        Assert.Equal(again, await client.FindTunnelAsync("t1", Ct));
        Assert.Contains(cf.Sent("GET", "/cfd_tunnel?"), r => r.Contains("is_deleted=false"));
    }

    [Fact]
    public async Task A_create_whose_answer_is_lost_is_looked_up_not_repeated()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client(transport: new LoseFirstPostHandler());
        var zone = (await client.FindZoneForHostnameAsync("example.com", Ct))!;

        var tunnel = await client.CreateTunnelAsync("lost", Ct);
        var record = await client.CreateDnsRecordAsync(zone, new DnsRecordSpec("CNAME", "lost.example.com", tunnel.CnameTarget, true), Ct);

        Assert.Single(await client.ListTunnelsAsync("lost", null, Ct));
        Assert.Equal(tunnel.CnameTarget, record.Content);
        Assert.Single(await client.ListDnsRecordsAsync(zone, "lost.example.com", Ct));
        Assert.Single(cf.Sent("POST", "/cfd_tunnel"));
        Assert.Single(cf.Sent("POST", "/dns_records"));
    }

    /// <summary>Lets every POST reach the server but answers the first one of each path with 502.</summary>
    private sealed class LoseFirstPostHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly HashSet<string> _lost = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            if (request.Method != HttpMethod.Post || !_lost.Add(request.RequestUri!.AbsolutePath)) return response;
            response.Dispose();
            return new HttpResponseMessage(System.Net.HttpStatusCode.BadGateway) { RequestMessage = request, Content = new StringContent("") };
        }
    }
}
