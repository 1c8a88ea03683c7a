using System.Text.Json.Nodes;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.Hetzner;

namespace Nvoi.Cloud.Tests.Hetzner;

/// <summary>The official hcloud CLI drives the emulator: if the emulator drifts from the real API's shapes, these fail.</summary>
public sealed class HetznerCliFidelityTests : IAsyncLifetime
{
    private HetznerEmulator _emulator = null!;
    private EmulatorHost _host = null!;
    private HcloudCli _cli = null!;

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions();
        _emulator = new HetznerEmulator(options);
        _host = await EmulatorHost.StartAsync(_emulator, options);
        _cli = new HcloudCli(_host.BaseUrl, "fidelity-token");
    }

    public async Task DisposeAsync()
    {
        Assert.Empty(_emulator.UnhandledRequests);
        _cli.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<JsonObject> CreateNetworkAsync(string name)
    {
        await _cli.OkAsync("network", "create", "--name", name, "--ip-range", "10.0.0.0/16");
        await _cli.OkAsync("network", "add-subnet", name, "--type", "cloud", "--network-zone", "eu-central", "--ip-range", "10.0.1.0/24");
        return (await _cli.OkAsync("network", "describe", name, "-o", "json")).Json.AsObject();
    }

    private Task CreateFirewallAsync(string name) => _cli.OkAsync("firewall", "create", "--name", name, "--rules-file",
        _cli.File("rules.json", """[{"direction":"in","protocol":"tcp","port":"22","source_ips":["0.0.0.0/0","::/0"],"description":"ssh"}]"""));

    [Fact]
    public async Task Network_create_add_subnet_list_describe_delete()
    {
        var described = await CreateNetworkAsync("fid-net");
        Assert.Equal("10.0.0.0/16", described["ip_range"]!.GetValue<string>());
        var subnet = described["subnets"]!.AsArray().Single()!;
        Assert.Equal(("10.0.1.0/24", "eu-central", "cloud"), (subnet["ip_range"]!.GetValue<string>(), subnet["network_zone"]!.GetValue<string>(), subnet["type"]!.GetValue<string>()));
        var list = (await _cli.OkAsync("network", "list", "-o", "json")).List;
        Assert.Equal("fid-net", list.Single()!["name"]!.GetValue<string>());
        await _cli.OkAsync("network", "delete", "fid-net");
        Assert.NotEqual(0, (await _cli.RunAsync("network", "describe", "fid-net")).ExitCode);
        Assert.Empty((await _cli.OkAsync("network", "list", "-o", "json")).List);
    }

    [Fact]
    public async Task Firewall_create_with_rules_file_list_describe_delete()
    {
        await CreateFirewallAsync("fid-fw");
        var fw = (await _cli.OkAsync("firewall", "describe", "fid-fw", "-o", "json")).Json;
        var rule = fw["rules"]!.AsArray().Single()!;
        Assert.Equal(("in", "tcp", "22"), (rule["direction"]!.GetValue<string>(), rule["protocol"]!.GetValue<string>(), rule["port"]!.GetValue<string>()));
        Assert.Equal(["0.0.0.0/0", "::/0"], rule["source_ips"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Single((await _cli.OkAsync("firewall", "list", "-o", "json")).List);
        var duplicate = await _cli.RunAsync("firewall", "create", "--name", "fid-fw");
        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.Contains("uniqueness_error", duplicate.Stderr);
        await _cli.OkAsync("firewall", "delete", "fid-fw");
        Assert.Empty((await _cli.OkAsync("firewall", "list", "-o", "json")).List);
    }

    [Fact]
    public async Task Server_create_with_user_data_network_firewall_list_describe_delete()
    {
        var network = await CreateNetworkAsync("fid-net");
        await CreateFirewallAsync("fid-fw");
        var userData = _cli.File("user-data.yaml", "#cloud-config\nusers: [deploy]\n");
        await _cli.OkAsync("server", "create", "--name", "fid-1", "--type", "cx22", "--image", "ubuntu-24.04", "--location", "hel1",
            "--user-data-from-file", userData, "--network", "fid-net", "--firewall", "fid-fw");
        var server = (await _cli.OkAsync("server", "describe", "fid-1", "-o", "json")).Json;
        Assert.Equal("running", server["status"]!.GetValue<string>());
        Assert.Equal("cx22", server["server_type"]!["name"]!.GetValue<string>());
        Assert.Equal("x86", server["image"]!["architecture"]!.GetValue<string>());
        Assert.Equal("hel1", server["datacenter"]!["location"]!["name"]!.GetValue<string>());
        Assert.Matches(@"^(49\.12|116\.203)\.", server["public_net"]!["ipv4"]!["ip"]!.GetValue<string>());
        var priv = server["private_net"]!.AsArray().Single()!;
        Assert.Equal(network["id"]!.GetValue<long>(), priv["network"]!.GetValue<long>());
        Assert.StartsWith("10.0.1.", priv["ip"]!.GetValue<string>());
        Assert.Single(server["public_net"]!["firewalls"]!.AsArray());
        Assert.Single((await _cli.OkAsync("server", "list", "-o", "json")).List);

        var badType = await _cli.RunAsync("server", "create", "--name", "fid-2", "--type", "cx99", "--image", "ubuntu-24.04");
        Assert.NotEqual(0, badType.ExitCode);
        Assert.Contains("invalid_input", badType.Stderr);

        await _cli.OkAsync("server", "delete", "fid-1");
        Assert.Empty((await _cli.OkAsync("server", "list", "-o", "json")).List);
        await _cli.OkAsync("firewall", "delete", "fid-fw");
        await _cli.OkAsync("network", "delete", "fid-net");
    }

    [Fact]
    public async Task Volume_create_list_describe_attach_detach_delete()
    {
        await CreateNetworkAsync("fid-net");
        await _cli.OkAsync("server", "create", "--name", "fid-db", "--type", "cx22", "--image", "ubuntu-24.04", "--location", "nbg1", "--network", "fid-net");
        await _cli.OkAsync("volume", "create", "--name", "fid-data", "--size", "10", "--location", "nbg1");
        var volume = (await _cli.OkAsync("volume", "describe", "fid-data", "-o", "json")).Json;
        var id = volume["id"]!.GetValue<long>();
        Assert.Equal($"/dev/disk/by-id/scsi-0HC_Volume_{id}", volume["linux_device"]!.GetValue<string>());
        Assert.Null(volume["server"]);
        Assert.Single((await _cli.OkAsync("volume", "list", "-o", "json")).List);

        await _cli.OkAsync("volume", "attach", "fid-data", "--server", "fid-db");
        var server = (await _cli.OkAsync("server", "describe", "fid-db", "-o", "json")).Json;
        Assert.Equal(server["id"]!.GetValue<long>(), (await _cli.OkAsync("volume", "describe", "fid-data", "-o", "json")).Json["server"]!.GetValue<long>());
        Assert.Equal([id], server["volumes"]!.AsArray().Select(v => v!.GetValue<long>()));

        await _cli.OkAsync("volume", "detach", "fid-data");
        Assert.Null((await _cli.OkAsync("volume", "describe", "fid-data", "-o", "json")).Json["server"]);
        await _cli.OkAsync("volume", "delete", "fid-data");
        Assert.Empty((await _cli.OkAsync("volume", "list", "-o", "json")).List);
        await _cli.OkAsync("server", "delete", "fid-db");
        await _cli.OkAsync("network", "delete", "fid-net");
    }

    [Fact]
    public async Task Invalid_token_and_unknown_names_fail_with_the_api_message()
    {
        using var bad = new HcloudCli(_host.BaseUrl, "invalid");
        var denied = await bad.RunAsync("server", "list");
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("unauthorized", denied.Stderr);
        var missing = await _cli.RunAsync("server", "describe", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr);
    }

    [Fact]
    public async Task Catalogue_reads_server_types_locations_datacenters_and_images()
    {
        var types = (await _cli.OkAsync("server-type", "list", "-o", "json")).List;
        Assert.Contains(types, t => t!["name"]!.GetValue<string>() == "cx32");
        var cax = (await _cli.OkAsync("server-type", "describe", "cax11", "-o", "json")).Json;
        Assert.Equal(("arm", 2), (cax["architecture"]!.GetValue<string>(), cax["cores"]!.GetValue<int>()));
        Assert.Contains(cax["prices"]!.AsArray(), p => p!["location"]!.GetValue<string>() == "fsn1" && p["price_monthly"]!["net"]!.GetValue<string>().StartsWith("3.79"));
        var locations = (await _cli.OkAsync("location", "list", "-o", "json")).List.Select(l => l!["name"]!.GetValue<string>());
        Assert.Equal(["fsn1", "nbg1", "hel1", "ash", "hil"], locations);
        Assert.Equal(5, (await _cli.OkAsync("datacenter", "list", "-o", "json")).List.Count);
        var images = (await _cli.OkAsync("image", "list", "-o", "json")).List;
        Assert.Equal(2, images.Count(i => i!["name"]!.GetValue<string>() == "ubuntu-24.04"));
    }

    [Fact]
    public async Task What_the_adapter_creates_is_what_the_cli_describes()
    {
        using var adapter = new Nvoi.Cloud.Hetzner.HetznerCloudProvider(_host.BaseUrl, "adapter-token", new SocketsHttpHandler(), TimeProvider.System, HetznerSandbox.NoDelay);
        var ct = CancellationToken.None;
        var net = await adapter.CreateNetworkAsync("x-net", "fsn1", ct);
        var fw = await adapter.CreateFirewallAsync("x-fw", net, ct);
        var server = await adapter.WaitForServerRunningAsync((await adapter.CreateServerAsync(
            new ServerSpec("x-1", "cpx11", "fsn1", "#cloud-config\n", net, fw, new Dictionary<string, string> { ["app"] = "demo" }), ct)).Id, TimeSpan.FromMinutes(1), ct);
        var volume = await adapter.AttachVolumeAsync(await adapter.CreateVolumeAsync(new VolumeSpec("x-data", 10, "fsn1", new Dictionary<string, string>()), ct), server, ct);

        var s = (await _cli.OkAsync("server", "describe", "x-1", "-o", "json")).Json;
        Assert.Equal(server.Id, s["id"]!.GetValue<long>().ToString());
        Assert.Equal(server.PublicIPv4, s["public_net"]!["ipv4"]!["ip"]!.GetValue<string>());
        Assert.Equal(server.PrivateIPv4, s["private_net"]![0]!["ip"]!.GetValue<string>());
        Assert.Equal(("nvoi", "demo"), (s["labels"]!["managed-by"]!.GetValue<string>(), s["labels"]!["app"]!.GetValue<string>()));
        Assert.Equal("ubuntu-24.04", s["image"]!["name"]!.GetValue<string>());
        Assert.Equal(long.Parse(fw.Id), s["public_net"]!["firewalls"]![0]!["id"]!.GetValue<long>());
        var n = (await _cli.OkAsync("network", "describe", "x-net", "-o", "json")).Json;
        Assert.Equal(("10.0.0.0/16", "10.0.1.0/24", "eu-central"), (n["ip_range"]!.GetValue<string>(), n["subnets"]![0]!["ip_range"]!.GetValue<string>(), n["subnets"]![0]!["network_zone"]!.GetValue<string>()));
        var f = (await _cli.OkAsync("firewall", "describe", "x-fw", "-o", "json")).Json;
        var rule = f["rules"]!.AsArray().Single()!;
        Assert.Equal(("in", "tcp", "22"), (rule["direction"]!.GetValue<string>(), rule["protocol"]!.GetValue<string>(), rule["port"]!.GetValue<string>()));
        var v = (await _cli.OkAsync("volume", "describe", "x-data", "-o", "json")).Json;
        Assert.Equal(volume.DevicePath, v["linux_device"]!.GetValue<string>());

        await adapter.DetachVolumeAsync(volume, ct);
        await adapter.DeleteServerAsync(server, ct);
        await adapter.DeleteVolumeAsync(volume, ct);
        await adapter.DeleteFirewallAsync(fw, ct);
        await adapter.DeleteNetworkAsync(net, ct);
        foreach (var kind in new[] { "server", "volume", "firewall", "network" })
            Assert.Empty((await _cli.OkAsync(kind, "list", "-o", "json")).List);
    }
}
