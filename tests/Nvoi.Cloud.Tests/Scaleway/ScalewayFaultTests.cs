using System.Text.Json.Nodes;

namespace Nvoi.Cloud.Tests.Scaleway;

/// <summary>
/// One request in five fails (429, 503 before the work, or 500 after it): the whole lifecycle still
/// completes and never leaves two of anything.
/// </summary>
public sealed class ScalewayFaultTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(2026)]
    public async Task Full_lifecycle_completes_under_faults_without_duplicates(int seed)
    {
        var faults = new FaultCounter();
        await using var bed = await ScalewayTestBed.StartAsync(faultRate: 0.2, seed: seed, wrap: inner => { faults.InnerHandler = inner; return faults; });
        var provider = bed.Provider;

        var (network, firewall) = await bed.BaseAsync();
        var spec = ScalewayTestBed.Spec("app-master", network, firewall);
        var server = await provider.CreateServerAsync(spec, default);
        var (running, _) = await bed.AdvanceUntilDoneAsync(provider.WaitForServerRunningAsync(server.Id, TimeSpan.FromMinutes(5), default), provider.PollInterval);
        Assert.Equal(ServerStatus.Running, running.Status);
        Assert.NotNull(running.PrivateIPv4);
        var volume = await provider.CreateVolumeAsync(new VolumeSpec("app-data", 10, "fr-par-1", new Dictionary<string, string>()), default);
        var attached = await provider.AttachVolumeAsync(volume, running, default);
        Assert.Equal(running.Id, attached.ServerId);

        var state = State(bed);
        Assert.Single(Values(state, "Servers"));
        Assert.Single(Values(state, "SecurityGroups"));
        Assert.Single(Values(state, "PrivateNetworks"));
        Assert.Single(Values(state, "PrivateNics"));
        Assert.Single(Values(state, "Volumes"));
        var group = Values(state, "SecurityGroups").Single();
        Assert.Single(group["Rules"]!.AsArray(), r => r!["Direction"]!.GetValue<string>() == "inbound");
        var stored = Values(state, "Servers").Single();
        Assert.Equal(spec.UserData, stored["UserData"]!["cloud-init"]!.GetValue<string>());
        Assert.Equal("running", stored["State"]!.GetValue<string>());

        await provider.DetachVolumeAsync(attached, default);
        await provider.DeleteServerAsync(running, default);
        await provider.DeleteVolumeAsync(volume, default);
        await provider.DeleteFirewallAsync(firewall, default);
        await provider.DeleteNetworkAsync(network, default);

        // faults did happen, on writes too
        Assert.Contains(faults.Seen, f => f.Contains(" POST ", StringComparison.Ordinal));
        Assert.Contains(faults.Seen, f => f.StartsWith('5'));

        state = State(bed);
        foreach (var kind in new[] { "Servers", "SecurityGroups", "PrivateNetworks", "PrivateNics", "Volumes" })
            Assert.Empty(Values(state, kind));
    }

    [Fact]
    public async Task Every_create_whose_answer_is_lost_is_found_instead_of_repeated()
    {
        var loser = new LoseFirstAnswer();
        await using var bed = await ScalewayTestBed.StartAsync(wrap: inner => { loser.InnerHandler = inner; return loser; });
        var provider = bed.Provider;

        var (network, firewall) = await bed.BaseAsync();
        var server = await provider.CreateServerAsync(ScalewayTestBed.Spec("app-master", network, firewall), default);
        var volume = await provider.CreateVolumeAsync(new VolumeSpec("app-data", 10, "fr-par-1", new Dictionary<string, string>()), default);
        var attached = await provider.AttachVolumeAsync(volume, server, default);
        Assert.Equal(server.Id, attached.ServerId);

        Assert.Equal(
            ["/block/v1alpha1/zones/fr-par-1/volumes", "/instance/v1/zones/fr-par-1/security_groups", "/instance/v1/zones/fr-par-1/security_groups/{id}/rules",
             "/instance/v1/zones/fr-par-1/servers", "/instance/v1/zones/fr-par-1/servers/{id}/action", "/instance/v1/zones/fr-par-1/servers/{id}/attach-volume",
             "/instance/v1/zones/fr-par-1/servers/{id}/private_nics", "/instance/v1/zones/fr-par-1/servers/{id}/user_data/cloud-init",
             "/vpc/v2/regions/fr-par/private-networks"],
            loser.Lost.Order(StringComparer.Ordinal));
        var state = State(bed);
        foreach (var kind in new[] { "Servers", "SecurityGroups", "PrivateNetworks", "PrivateNics", "Volumes" })
            Assert.Single(Values(state, kind));
        Assert.Single(Values(state, "SecurityGroups").Single()["Rules"]!.AsArray(), r => r!["Direction"]!.GetValue<string>() == "inbound");
        Assert.Equal("running", Values(state, "Servers").Single()["State"]!.GetValue<string>());
    }

    /// <summary>Lets the first write to each endpoint happen, then answers 500 as if the answer was lost.</summary>
    private sealed class LoseFirstAnswer : DelegatingHandler
    {
        public HashSet<string> Lost { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Delete || !response.IsSuccessStatusCode) return response;
            var endpoint = System.Text.RegularExpressions.Regex.Replace(request.RequestUri!.AbsolutePath, "[0-9a-f]{8}-[0-9a-f-]{27}", "{id}");
            lock (Lost)
                if (!Lost.Add(endpoint)) return response;
            response.Dispose();
            return new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError)
            {
                Content = new StringContent("""{"type":"internal_error","message":"lost"}"""),
                RequestMessage = request,
            };
        }
    }

    private sealed class FaultCounter : DelegatingHandler
    {
        public List<string> Seen { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            if ((int)response.StatusCode is 429 or >= 500)
                lock (Seen) Seen.Add($"{(int)response.StatusCode} {request.Method} {request.RequestUri!.AbsolutePath}");
            return response;
        }
    }

    private static JsonObject State(ScalewayTestBed bed) => (JsonObject)JsonNode.Parse(bed.Emulator.SaveState())!;

    private static List<JsonObject> Values(JsonObject state, string kind) =>
        state[kind]!.AsObject().Select(p => (JsonObject)p.Value!).ToList();
}
