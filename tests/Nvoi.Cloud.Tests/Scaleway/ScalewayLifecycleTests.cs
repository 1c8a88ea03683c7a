using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nvoi.Cloud.Scaleway;

namespace Nvoi.Cloud.Tests.Scaleway;

public sealed class ScalewayLifecycleTests
{
    private const string P = ScalewayTestBed.Project;

    [Fact]
    public async Task Network_is_created_once_found_by_name_and_deleted()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var provider = bed.Provider;
        Assert.Null(await provider.FindNetworkAsync("app-net", default));

        var network = await provider.CreateNetworkAsync("app-net", "fr-par-1", default);
        Assert.Equal("app-net", network.Name);
        Assert.Equal("10.0.1.0/24", network.IpRange);
        Assert.NotNull(network.SubnetId);
        Assert.True(Guid.TryParse(network.Id, out _));

        Assert.Equal(network, await provider.FindNetworkAsync("app-net", default));
        Assert.Equal(network.Id, (await provider.CreateNetworkAsync("app-net", "fr-par-1", default)).Id);
        // a name that merely contains the wanted one is not a match
        await provider.CreateNetworkAsync("app-net-2", "fr-par-1", default);
        Assert.Equal(network.Id, (await provider.FindNetworkAsync("app-net", default))!.Id);

        var listed = await bed.GetJsonAsync($"/vpc/v2/regions/fr-par/private-networks?project_id={P}");
        Assert.Equal(2, listed["total_count"]!.GetValue<int>());

        await provider.DeleteNetworkAsync(network, default);
        Assert.Null(await provider.FindNetworkAsync("app-net", default));
        await provider.DeleteNetworkAsync(network, default); // already gone: no error
    }

    [Fact]
    public async Task Network_in_another_region_is_refused()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var e = await Assert.ThrowsAsync<CloudValidationException>(() => bed.Provider.CreateNetworkAsync("n", "nl-ams-1", default));
        Assert.Contains("nl-ams-1", e.Message);
    }

    [Fact]
    public async Task Firewall_is_a_security_group_dropping_everything_inbound_but_ssh()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var (network, firewall) = await bed.BaseAsync();
        Assert.Equal("app-fw", firewall.Name);
        Assert.Equal(firewall, await bed.Provider.FindFirewallAsync("app-fw", default));

        var group = (await bed.GetJsonAsync($"/instance/v1/zones/fr-par-1/security_groups/{firewall.Id}"))["security_group"]!;
        Assert.Equal("drop", group["inbound_default_policy"]!.GetValue<string>());
        Assert.Equal("accept", group["outbound_default_policy"]!.GetValue<string>());
        Assert.True(group["stateful"]!.GetValue<bool>());

        // creating again finds it and does not add a second SSH rule
        Assert.Equal(firewall.Id, (await bed.Provider.CreateFirewallAsync("app-fw", network, default)).Id);
        var rules = (await bed.GetJsonAsync($"/instance/v1/zones/fr-par-1/security_groups/{firewall.Id}/rules"))["rules"]!.AsArray();
        var inbound = rules.Where(r => r!["direction"]!.GetValue<string>() == "inbound").ToList();
        var ssh = Assert.Single(inbound);
        Assert.Equal("TCP", ssh!["protocol"]!.GetValue<string>());
        Assert.Equal("accept", ssh["action"]!.GetValue<string>());
        Assert.Equal(22, ssh["dest_port_from"]!.GetValue<int>());
        Assert.Equal("0.0.0.0/0", ssh["ip_range"]!.GetValue<string>());

        await bed.Provider.DeleteFirewallAsync(firewall, default);
        Assert.Null(await bed.Provider.FindFirewallAsync("app-fw", default));
        await bed.Provider.DeleteFirewallAsync(firewall, default);
    }

    [Fact]
    public async Task Server_boots_with_cloud_init_on_the_network_and_is_deleted_cleanly()
    {
        await using var bed = await ScalewayTestBed.StartAsync(bootTime: TimeSpan.FromSeconds(40));
        var (network, firewall) = await bed.BaseAsync();
        var spec = ScalewayTestBed.Spec("app-master", network, firewall);

        var created = await bed.Provider.CreateServerAsync(spec, default);
        Assert.Equal(ServerStatus.Starting, created.Status);
        Assert.Equal("DEV1-S", created.ServerType);
        Assert.Equal("fr-par-1", created.Location);

        // the creation details reached the API
        var raw = (await bed.GetJsonAsync($"/instance/v1/zones/fr-par-1/servers/{created.Id}"))["server"]!;
        Assert.Equal(firewall.Id, raw["security_group"]!["id"]!.GetValue<string>());
        Assert.Equal("Ubuntu 24.04 Noble Numbat", raw["image"]!["name"]!.GetValue<string>());
        Assert.Equal(["app=demo", "role=master"], raw["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var nic = Assert.Single(raw["private_nics"]!.AsArray());
        Assert.Equal(network.Id, nic!["private_network_id"]!.GetValue<string>());
        using (var userData = await bed.Raw.GetAsync($"instance/v1/zones/fr-par-1/servers/{created.Id}/user_data/cloud-init"))
            Assert.Equal(spec.UserData, await userData.Content.ReadAsStringAsync());

        // waiting polls through the fake clock until the boot time has passed
        var (running, advances) = await bed.AdvanceUntilDoneAsync(
            bed.Provider.WaitForServerRunningAsync(created.Id, TimeSpan.FromMinutes(5), default), bed.Provider.PollInterval);
        Assert.Equal(ServerStatus.Running, running.Status);
        Assert.Equal(14, advances); // running at the first 3 s poll after 40 s
        Assert.Matches(new Regex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$"), running.PublicIPv4!);
        Assert.StartsWith("10.0.1.", running.PrivateIPv4);

        Assert.Equal(running, await bed.Provider.FindServerAsync("app-master", default));
        Assert.Contains(running, await bed.Provider.ListServersAsync(default));
        // creating again returns the same server
        Assert.Equal(created.Id, (await bed.Provider.CreateServerAsync(spec, default)).Id);

        await bed.Provider.DeleteServerAsync(running, default);
        Assert.Null(await bed.Provider.FindServerAsync("app-master", default));
        await bed.Provider.DeleteServerAsync(running, default);
        // nothing holds the network or the group any more
        await bed.Provider.DeleteFirewallAsync(firewall, default);
        await bed.Provider.DeleteNetworkAsync(network, default);
        Assert.Null(await bed.Provider.FindNetworkAsync(network.Name, default));
    }

    [Fact]
    public async Task A_stopped_server_is_deleted_without_terminate()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var (network, firewall) = await bed.BaseAsync();
        var server = await bed.Provider.CreateServerAsync(ScalewayTestBed.Spec("app-w1", network, firewall), default);
        var (status, _, _) = await bed.SendRawAsync(HttpMethod.Post, $"/instance/v1/zones/fr-par-1/servers/{server.Id}/action", new JsonObject { ["action"] = "poweroff" });
        Assert.Equal(202, status);
        Assert.Equal(ServerStatus.Stopped, (await bed.Provider.FindServerAsync("app-w1", default))!.Status);

        await bed.Provider.DeleteServerAsync(server, default);
        Assert.Null(await bed.Provider.FindServerAsync("app-w1", default));
        await bed.Provider.DeleteNetworkAsync(network, default);
    }

    [Fact]
    public async Task Waiting_gives_up_at_the_timeout()
    {
        await using var bed = await ScalewayTestBed.StartAsync(bootTime: TimeSpan.FromMinutes(30));
        var (network, firewall) = await bed.BaseAsync();
        var server = await bed.Provider.CreateServerAsync(ScalewayTestBed.Spec("app-slow", network, firewall), default);
        var e = await Assert.ThrowsAsync<NvoiException>(() => bed.AdvanceUntilDoneAsync(
            bed.Provider.WaitForServerRunningAsync(server.Id, TimeSpan.FromMinutes(2), default), bed.Provider.PollInterval));
        Assert.Contains("app-slow", e.Message);
        Assert.Contains("starting", e.Message);
    }

    [Fact]
    public async Task Volume_is_created_in_bytes_attached_with_a_device_path_detached_and_deleted()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var (network, firewall) = await bed.BaseAsync();
        var server = await bed.Provider.CreateServerAsync(ScalewayTestBed.Spec("app-master", network, firewall), default);
        var spec = new VolumeSpec("app-data", 20, "fr-par-1", new Dictionary<string, string> { ["app"] = "demo" });

        Assert.Null(await bed.Provider.FindVolumeAsync("app-data", default));
        var volume = await bed.Provider.CreateVolumeAsync(spec, default);
        Assert.Equal(20, volume.SizeGb);
        Assert.Equal("fr-par-1", volume.Location);
        Assert.Null(volume.ServerId);
        Assert.Null(volume.DevicePath);
        var raw = await bed.GetJsonAsync($"/block/v1alpha1/zones/fr-par-1/volumes/{volume.Id}");
        Assert.Equal(20_000_000_000L, raw["size"]!.GetValue<long>());
        Assert.Equal(volume.Id, (await bed.Provider.CreateVolumeAsync(spec, default)).Id);

        var attached = await bed.Provider.AttachVolumeAsync(volume, server, default);
        Assert.Equal(server.Id, attached.ServerId);
        Assert.Equal($"/dev/disk/by-id/scsi-0SCW_sbs_volume-{volume.Id}", attached.DevicePath);
        Assert.Equal(attached, await bed.Provider.AttachVolumeAsync(volume, server, default)); // already there
        var onServer = (await bed.GetJsonAsync($"/instance/v1/zones/fr-par-1/servers/{server.Id}"))["server"]!["volumes"]!.AsObject();
        Assert.Equal(volume.Id, onServer["1"]!["id"]!.GetValue<string>());
        Assert.Equal(attached, Assert.Single(await bed.Provider.ListVolumesAsync(default)));

        await bed.Provider.DetachVolumeAsync(attached, default);
        var detached = await bed.Provider.FindVolumeAsync("app-data", default);
        Assert.Null(detached!.ServerId);
        await bed.Provider.DetachVolumeAsync(attached, default);

        await bed.Provider.DeleteVolumeAsync(volume, default);
        Assert.Null(await bed.Provider.FindVolumeAsync("app-data", default));
        await bed.Provider.DeleteVolumeAsync(volume, default);
    }

    [Fact]
    public async Task Deleting_a_server_leaves_its_data_volume_detached_and_intact()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var (network, firewall) = await bed.BaseAsync();
        var server = await bed.Provider.CreateServerAsync(ScalewayTestBed.Spec("app-master", network, firewall), default);
        var volume = await bed.Provider.CreateVolumeAsync(new VolumeSpec("app-db", 10, "fr-par-1", new Dictionary<string, string>()), default);
        await bed.Provider.AttachVolumeAsync(volume, server, default);

        await bed.Provider.DeleteServerAsync(server, default);
        var left = await bed.Provider.FindVolumeAsync("app-db", default);
        Assert.NotNull(left);
        Assert.Null(left.ServerId);
    }

    [Fact]
    public async Task A_block_backed_server_takes_its_boot_volume_along_when_deleted()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var (network, firewall) = await bed.BaseAsync();
        var server = await bed.Provider.CreateServerAsync(ScalewayTestBed.Spec("app-arm", network, firewall, type: "COPARM1-2C-8G"), default);
        var data = await bed.Provider.CreateVolumeAsync(new VolumeSpec("app-data", 10, "fr-par-1", new Dictionary<string, string>()), default);
        await bed.Provider.AttachVolumeAsync(data, server, default);
        var boot = Assert.Single(await bed.Provider.ListVolumesAsync(default), v => v.Id != data.Id);
        Assert.Equal(server.Id, boot.ServerId);

        await bed.Provider.DeleteServerAsync(server, default);
        // the boot volume is gone, the data volume only detached
        var left = Assert.Single(await bed.Provider.ListVolumesAsync(default));
        Assert.Equal(data.Id, left.Id);
        Assert.Null(left.ServerId);
    }

    [Fact]
    public async Task Catalogue_lists_types_with_cores_memory_monthly_price_and_architecture()
    {
        await using var bed = await ScalewayTestBed.StartAsync();
        var types = await bed.Provider.ListServerTypesAsync(default);
        var dev = Assert.Single(types, t => t.Name == "DEV1-S");
        Assert.Equal(2, dev.Cores);
        Assert.Equal(2, dev.MemoryGb);
        Assert.Equal(6.42m, dev.MonthlyPrice); // 0.0088 €/h × 730 h
        Assert.Equal("EUR", dev.Currency);
        Assert.Equal(["fr-par-1"], dev.Locations);
        Assert.Equal(CpuArchitecture.Arm64, await bed.Provider.GetArchitectureAsync("COPARM1-2C-8G", default));
        Assert.Equal(CpuArchitecture.Amd64, await bed.Provider.GetArchitectureAsync("DEV1-S", default));

        var zones = await bed.Provider.ListLocationsAsync(default);
        Assert.Contains(zones, z => z.Name == "nl-ams-1" && z.Description.StartsWith("Amsterdam", StringComparison.Ordinal));
        Assert.Equal(9, zones.Count);
    }

    [Fact]
    public void Api_url_comes_from_SCW_API_URL_or_defaults_to_scaleway()
    {
        Assert.Equal(new Uri("https://api.scaleway.com"), ScalewayProvider.ApiUrl(null));
        Assert.Equal(new Uri("https://api.scaleway.com"), ScalewayProvider.ApiUrl(""));
        Assert.Equal(new Uri("http://127.0.0.1:9000/"), ScalewayProvider.ApiUrl("http://127.0.0.1:9000"));
        Assert.Throws<NvoiException>(() => ScalewayProvider.ApiUrl("ftp://x"));
        Assert.Throws<NvoiException>(() => ScalewayProvider.ApiUrl("not a url"));
    }

    [Theory]
    [InlineData("fr-par-1", "fr-par")]
    [InlineData("nl-ams-3", "nl-ams")]
    [InlineData("pl-waw-2", "pl-waw")]
    public void Region_is_the_zone_without_its_number(string zone, string region) =>
        Assert.Equal(region, ScalewayZones.RegionOf(zone));
}
