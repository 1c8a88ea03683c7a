using System.Net;
using System.Text.Json.Nodes;
using Nvoi.Sandbox.Scaleway;

namespace Nvoi.Cloud.Tests.Scaleway;

public sealed class ScalewayErrorTests
{
    [Fact]
    public async Task Refused_token_is_an_authentication_error_with_scaleways_message_and_no_secret()
    {
        await using var bed = await ScalewayTestBed.StartAsync(token: ScalewayEmulator.InvalidToken);
        var e = await Assert.ThrowsAsync<CloudAuthenticationException>(() => bed.Provider.ValidateCredentialsAsync(default));
        Assert.Equal(401, e.StatusCode);
        Assert.Equal("denied_authentication", e.Code);
        Assert.Contains("authentication is denied", e.Message);
        Assert.DoesNotContain(ScalewayEmulator.InvalidToken + "\"", e.Message);
        Assert.StartsWith("scaleway:", e.Message);
    }

    [Fact]
    public async Task Valid_token_passes_credential_validation()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        await bed.Provider.ValidateCredentialsAsync(default);
    }

    [Fact]
    public async Task Missing_resources_are_null_on_lookup_and_404_errors_elsewhere()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var ghost = Guid.NewGuid().ToString();
        var e = await Assert.ThrowsAsync<CloudApiException>(() =>
            bed.Provider.WaitForServerRunningAsync(ghost, TimeSpan.FromMinutes(1), default));
        Assert.Equal(404, e.StatusCode);

        var volume = new VolumeInfo(ghost, "nope", 10, "fr-par-1", null, null);
        var server = new ServerInfo(Guid.NewGuid().ToString(), "nope", ServerStatus.Running, null, null, "DEV1-S", "fr-par-1");
        var attach = await Assert.ThrowsAsync<CloudApiException>(() => bed.Provider.AttachVolumeAsync(volume, server, default));
        Assert.Equal(404, attach.StatusCode);
        // deletes of what is already gone succeed
        await bed.Provider.DeleteVolumeAsync(volume, default);
        await bed.Provider.DeleteServerAsync(server, default);
        await bed.Provider.DeleteFirewallAsync(new FirewallInfo(ghost, "nope"), default);
        await bed.Provider.DeleteNetworkAsync(new NetworkInfo(ghost, "nope", "10.0.1.0/24"), default);

        // the emulator answers in Scaleway's two 404 formats
        var (status, body, type) = await bed.SendRawAsync(HttpMethod.Get, $"/instance/v1/zones/fr-par-1/servers/{ghost}");
        Assert.Equal(404, status);
        Assert.Equal("unknown_resource", body["type"]!.GetValue<string>());
        Assert.Equal($"Instance \"{ghost}\" not found", body["message"]!.GetValue<string>());
        Assert.Equal("application/json", type!.MediaType);
        (status, body, _) = await bed.SendRawAsync(HttpMethod.Get, $"/block/v1alpha1/zones/fr-par-1/volumes/{ghost}");
        Assert.Equal(404, status);
        Assert.Equal("not_found", body["type"]!.GetValue<string>());
        Assert.Equal(ghost, body["resource_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_server_type_or_zone_fails_validation_naming_the_valid_ones()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        await bed.Provider.ValidateServerTypeAsync("DEV1-S", "fr-par-1", default);
        await bed.Provider.ValidateLocationAsync("pl-waw-3", default);

        var type = await Assert.ThrowsAsync<CloudValidationException>(() => bed.Provider.ValidateServerTypeAsync("DEV9-Z", "fr-par-1", default));
        Assert.Contains("DEV9-Z", type.Message);
        Assert.Contains("DEV1-S", type.Message);
        Assert.Equal(ExitCodes.InvalidInput, type.ExitCode);

        var zone = await Assert.ThrowsAsync<CloudValidationException>(() => bed.Provider.ValidateLocationAsync("fr-lyo-1", default));
        Assert.Contains("fr-lyo-1", zone.Message);
        Assert.Contains("fr-par-1", zone.Message);
        await Assert.ThrowsAsync<CloudValidationException>(() => bed.Provider.GetArchitectureAsync("DEV9-Z", default));
    }

    [Fact]
    public async Task Api_validation_errors_carry_scaleways_type_and_field()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var (network, firewall) = await bed.BaseAsync();
        var e = await Assert.ThrowsAsync<CloudApiException>(() =>
            bed.Provider.CreateServerAsync(ScalewayTestBed.Spec("bad", network, firewall, type: "DEV9-Z"), default));
        Assert.Equal(400, e.StatusCode);
        Assert.Equal("invalid_request_error", e.Code);
        Assert.Contains("commercial_type", e.Message);
        Assert.Contains("DEV9-Z", e.Message);
        Assert.DoesNotContain(ScalewayTestBed.Token, e.Message);

        var big = await Assert.ThrowsAsync<CloudApiException>(() =>
            bed.Provider.CreateVolumeAsync(new VolumeSpec("huge", 20_000, "fr-par-1", new Dictionary<string, string>()), default));
        Assert.Equal(400, big.StatusCode);
        Assert.Equal("invalid_arguments", big.Code);
        Assert.Contains("from_empty.size", big.Message);
        Assert.Null(await bed.Provider.FindVolumeAsync("huge", default));

        // bad paging parameters are refused too
        var (status, body, _) = await bed.SendRawAsync(HttpMethod.Get, "/instance/v1/zones/fr-par-1/servers?per_page=500");
        Assert.Equal(400, status);
        Assert.Equal("invalid_request_error", body["type"]!.GetValue<string>());
        (status, body, _) = await bed.SendRawAsync(HttpMethod.Get, "/instance/v1/zones/mars-1/servers");
        Assert.Equal(400, status);
    }

    [Theory]
    [InlineData(502, "<html>bad gateway</html>", null, "HTTP 502")]
    [InlineData(409, """{"type":"conflict","message":"group is in use. you cannot delete it."}""", "conflict", "group is in use")]
    [InlineData(412, """{"type":"precondition_failed","message":"precondition is not respected","precondition":"resource_still_in_use","help_message":"still attached"}""", "precondition_failed", "still attached")]
    [InlineData(403, """{"type":"permissions_denied","message":"insufficient permissions"}""", "permissions_denied", "insufficient permissions")]
    public void Error_bodies_become_exceptions_with_scaleways_words(int status, string body, string? code, string text)
    {
        var e = Nvoi.Cloud.Scaleway.ScalewayClient.ToException(status, body);
        Assert.Equal(status, e.StatusCode);
        Assert.Equal(code, e.Code);
        Assert.Contains(text, e.Message);
        Assert.Equal(status == 403, e is CloudAuthenticationException);
    }

    [Fact]
    public async Task Placing_resources_outside_the_configured_zone_is_refused_before_any_call()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var (network, firewall) = await bed.BaseAsync();
        var spec = ScalewayTestBed.Spec("x", network, firewall) with { Location = "nl-ams-1" };
        await Assert.ThrowsAsync<CloudValidationException>(() => bed.Provider.CreateServerAsync(spec, default));
        await Assert.ThrowsAsync<CloudValidationException>(() =>
            bed.Provider.CreateVolumeAsync(new VolumeSpec("v", 10, "nl-ams-1", new Dictionary<string, string>()), default));
    }

    [Fact]
    public async Task Rate_limit_is_retried_after_the_servers_delay_and_then_succeeds()
    {
        var limiter = new RateLimitOnce();
        await using var bed = await ScalewayTestBed.StartAsync(wrap: inner => { limiter.InnerHandler = inner; return limiter; });
        var network = await bed.Provider.CreateNetworkAsync("app-net", "fr-par-1", default);
        Assert.Equal(1, limiter.Refused);
        // the refused lookup was sent again, then the create went through once
        Assert.Equal(["GET /vpc/v2/regions/fr-par/private-networks", "GET /vpc/v2/regions/fr-par/private-networks", "POST /vpc/v2/regions/fr-par/private-networks"], limiter.Seen);
        Assert.Equal("app-net", network.Name);
        Assert.Single((await bed.GetJsonAsync("/vpc/v2/regions/fr-par/private-networks"))["private_networks"]!.AsArray());
    }

    [Fact]
    public async Task Lists_are_read_across_pages()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        bed.Provider.PageSize = 5;
        var (network, firewall) = await bed.BaseAsync();
        for (var i = 0; i < 12; i++)
            await bed.Provider.CreateVolumeAsync(new VolumeSpec($"vol-{i:00}", 1 + i, "fr-par-1", new Dictionary<string, string>()), default);
        for (var i = 0; i < 7; i++)
            await bed.Provider.CreateServerAsync(ScalewayTestBed.Spec($"node-{i}", network, firewall), default);

        var volumes = await bed.Provider.ListVolumesAsync(default);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"vol-{i:00}"), volumes.Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal(12, volumes.Single(v => v.Name == "vol-11").SizeGb);
        var servers = await bed.Provider.ListServersAsync(default);
        Assert.Equal(7, servers.Count);
        Assert.Equal(7, servers.Select(s => s.PrivateIPv4).Distinct().Count());
        Assert.All(servers, s => Assert.StartsWith("10.0.1.", s.PrivateIPv4));
        Assert.Equal(12, (await bed.Provider.ListServerTypesAsync(default)).Count); // 3 pages of the map

        var (_, page, _) = await bed.SendRawAsync(HttpMethod.Get, "/block/v1alpha1/zones/fr-par-1/volumes?page=3&page_size=5");
        Assert.Equal(12, page["total_count"]!.GetValue<int>());
        Assert.Equal(2, page["volumes"]!.AsArray().Count);
    }

    /// <summary>Answers the first request with Scaleway's 429 and passes everything else through.</summary>
    private sealed class RateLimitOnce : DelegatingHandler
    {
        public int Refused;
        public List<string> Seen { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            lock (Seen) Seen.Add($"{request.Method} {request.RequestUri!.AbsolutePath}");
            if (Interlocked.CompareExchange(ref Refused, 1, 0) == 0)
            {
                var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
                {
                    Content = new StringContent(new JsonObject { ["type"] = "too_many_requests", ["message"] = "slow down", ["help_message"] = "quota exceeded" }.ToJsonString()),
                    RequestMessage = request,
                };
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
                return response;
            }
            return await base.SendAsync(request, ct);
        }
    }
}
