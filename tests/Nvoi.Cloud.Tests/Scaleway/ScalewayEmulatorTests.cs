using System.Text.Json.Nodes;

namespace Nvoi.Cloud.Tests.Scaleway;

public sealed class ScalewayEmulatorTests
{
    [Fact]
    public async Task State_survives_a_restart_through_the_state_directory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nvoi-scw-" + Guid.NewGuid().ToString("N"));
        try
        {
            string serverId, volumeId;
            await using (var first = await ScalewayTestBed.StartAsync(stateDirectory: dir))
            {
                var (network, firewall) = await first.BaseAsync();
                serverId = (await first.Provider.CreateServerAsync(ScalewayTestBed.Spec("app-master", network, firewall), default)).Id;
                volumeId = (await first.Provider.CreateVolumeAsync(new VolumeSpec("app-data", 5, "fr-par-1", new Dictionary<string, string>()), default)).Id;
            }
            Assert.True(File.Exists(Path.Combine(dir, "scaleway.json")));

            await using var second = await ScalewayTestBed.StartAsync(stateDirectory: dir);
            var server = await second.Provider.FindServerAsync("app-master", default);
            Assert.Equal(serverId, server!.Id);
            Assert.StartsWith("10.0.1.", server.PrivateIPv4);
            Assert.Equal(volumeId, (await second.Provider.FindVolumeAsync("app-data", default))!.Id);
            Assert.NotNull(await second.Provider.FindFirewallAsync("app-fw", default));
            Assert.Equal("10.0.1.0/24", (await second.Provider.FindNetworkAsync("app-net", default))!.IpRange);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Server_moves_from_stopped_to_starting_to_running_on_the_emulator_clock()
    {
        await using var bed = await ScalewayTestBed.StartAsync(bootTime: TimeSpan.FromSeconds(60));
        var (network, firewall) = await bed.BaseAsync();
        var (status, created, _) = await bed.SendRawAsync(HttpMethod.Post, "/instance/v1/zones/fr-par-1/servers", new JsonObject
        {
            ["name"] = "raw",
            ["commercial_type"] = "COPARM1-2C-8G",
            ["image"] = "ubuntu_noble",
            ["project"] = ScalewayTestBed.Project,
            ["security_group"] = firewall.Id,
        });
        Assert.Equal(201, status);
        var id = created["server"]!["id"]!.GetValue<string>();
        Assert.Equal("stopped", created["server"]!["state"]!.GetValue<string>());
        Assert.Equal("arm64", created["server"]!["arch"]!.GetValue<string>());
        Assert.Equal("arm64", created["server"]!["image"]!["arch"]!.GetValue<string>());

        await bed.SendRawAsync(HttpMethod.Post, $"/instance/v1/zones/fr-par-1/servers/{id}/action", new JsonObject { ["action"] = "poweron" });
        Assert.Equal("starting", await State());
        bed.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("starting", await State());
        bed.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("running", await State());

        // a running server cannot be deleted directly, and poweron is not allowed twice
        Assert.Equal(400, (await bed.SendRawAsync(HttpMethod.Delete, $"/instance/v1/zones/fr-par-1/servers/{id}")).Status);
        Assert.Equal(400, (await bed.SendRawAsync(HttpMethod.Post, $"/instance/v1/zones/fr-par-1/servers/{id}/action", new JsonObject { ["action"] = "poweron" })).Status);
        // nor can the security group or network it uses
        Assert.Equal(409, (await bed.SendRawAsync(HttpMethod.Delete, $"/instance/v1/zones/fr-par-1/security_groups/{firewall.Id}")).Status);
        await bed.SendRawAsync(HttpMethod.Post, $"/instance/v1/zones/fr-par-1/servers/{id}/private_nics", new JsonObject { ["private_network_id"] = network.Id });
        Assert.Equal(412, (await bed.SendRawAsync(HttpMethod.Delete, $"/vpc/v2/regions/fr-par/private-networks/{network.Id}")).Status);

        async Task<string> State() => (await bed.GetJsonAsync($"/instance/v1/zones/fr-par-1/servers/{id}"))["server"]!["state"]!.GetValue<string>();
    }

    [Fact]
    public async Task Requests_without_a_token_are_refused()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = bed.Host.BaseUrl };
        using var response = await anonymous.GetAsync("instance/v1/zones/fr-par-1/servers");
        Assert.Equal(401, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("denied_authentication", body["type"]!.GetValue<string>());
    }
}
