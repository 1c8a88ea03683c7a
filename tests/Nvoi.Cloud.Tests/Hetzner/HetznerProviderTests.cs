using Nvoi.Cloud.Hetzner;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Cloud.Tests.Hetzner;

public sealed class HetznerProviderTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "demo" };

    private static ServerSpec Spec(string name, NetworkInfo network, FirewallInfo firewall, string type = "cx22", string location = "fsn1") =>
        new(name, type, location, "#cloud-config\n", network, firewall, Labels);

    [Fact]
    public async Task Network_lifecycle_creates_range_and_subnet_finds_and_deletes_idempotently()
    {
        await using var sb = await HetznerSandbox.StartAsync();
        var p = sb.Provider;
        Assert.Null(await p.FindNetworkAsync("net", Ct));
        var created = await p.CreateNetworkAsync("net", "fsn1", Ct);
        Assert.Equal(("net", "10.0.0.0/16", "10.0.1.0/24"), (created.Name, created.IpRange, created.SubnetId));
        Assert.Equal(created, await p.FindNetworkAsync("net", Ct));
        var again = await p.CreateNetworkAsync("net", "fsn1", Ct); // 409 uniqueness_error = exists
        Assert.Equal(created.Id, again.Id);
        await p.DeleteNetworkAsync(created, Ct);
        await p.DeleteNetworkAsync(created, Ct); // 404 = already gone
        Assert.Null(await p.FindNetworkAsync("net", Ct));
    }

    [Fact]
    public async Task Firewall_lifecycle_and_delete_removes_it_from_servers_first()
    {
        await using var sb = await HetznerSandbox.StartAsync();
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("net", "fsn1", Ct);
        var fw = await p.CreateFirewallAsync("fw", net, Ct);
        Assert.Equal(fw, await p.FindFirewallAsync("fw", Ct));
        var server = await p.CreateServerAsync(Spec("web-1", net, fw), Ct);
        await p.DeleteFirewallAsync(fw, Ct); // applied to a server: must be removed from it first
        Assert.Null(await p.FindFirewallAsync("fw", Ct));
        await p.DeleteFirewallAsync(fw, Ct);
        Assert.NotNull(await p.FindServerAsync(server.Name, Ct));
    }

    [Fact]
    public async Task Server_lifecycle_waits_through_boot_on_the_fake_clock()
    {
        await using var sb = await HetznerSandbox.StartAsync(new EmulatorOptions { ServerBootTime = TimeSpan.FromSeconds(30) });
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("net", "fsn1", Ct);
        var fw = await p.CreateFirewallAsync("fw", net, Ct);
        var start = sb.Clock.GetUtcNow();
        var created = await p.CreateServerAsync(Spec("web-1", net, fw), Ct);
        Assert.Equal(ServerStatus.Starting, created.Status);
        var running = await p.WaitForServerRunningAsync(created.Id, TimeSpan.FromMinutes(5), Ct);
        Assert.Equal(ServerStatus.Running, running.Status);
        Assert.True(sb.Clock.GetUtcNow() - start >= TimeSpan.FromSeconds(30));
        Assert.Matches(@"^(49\.12|116\.203)\.\d+\.\d+$", running.PublicIPv4);
        Assert.StartsWith("10.0.1.", running.PrivateIPv4);
        Assert.Equal(("cx22", "fsn1"), (running.ServerType, running.Location));
        Assert.Equal(running, await p.FindServerAsync("web-1", Ct));
        Assert.Single(await p.ListServersAsync(Ct));

        await p.DeleteServerAsync(running, Ct);
        await p.DeleteServerAsync(running, Ct);
        Assert.Null(await p.FindServerAsync("web-1", Ct));
        await p.DeleteFirewallAsync(fw, Ct);
        await p.DeleteNetworkAsync(net, Ct);
        Assert.All(sb.Emulator.ResourceNames().Values, Assert.Empty);
    }

    [Fact]
    public async Task Wait_for_server_times_out_on_the_fake_clock()
    {
        await using var sb = await HetznerSandbox.StartAsync(new EmulatorOptions { ServerBootTime = TimeSpan.FromHours(1) });
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("net", "fsn1", Ct);
        var fw = await p.CreateFirewallAsync("fw", net, Ct);
        var created = await p.CreateServerAsync(Spec("slow", net, fw), Ct);
        var e = await Assert.ThrowsAsync<CloudApiException>(() => p.WaitForServerRunningAsync(created.Id, TimeSpan.FromSeconds(20), Ct));
        Assert.Contains("slow", e.Message);
    }

    [Fact]
    public async Task Volume_lifecycle_attach_reports_device_and_detach_delete()
    {
        await using var sb = await HetznerSandbox.StartAsync();
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("net", "nbg1", Ct);
        var fw = await p.CreateFirewallAsync("fw", net, Ct);
        var server = await p.CreateServerAsync(Spec("db-1", net, fw, location: "nbg1"), Ct);
        var volume = await p.CreateVolumeAsync(new VolumeSpec("data", 20, server.Location, Labels), Ct);
        Assert.Equal(("data", 20, "nbg1", (string?)null), (volume.Name, volume.SizeGb, volume.Location, volume.ServerId));
        var attached = await p.AttachVolumeAsync(volume, server, Ct);
        Assert.Equal(server.Id, attached.ServerId);
        Assert.Equal($"/dev/disk/by-id/scsi-0HC_Volume_{volume.Id}", attached.DevicePath);
        Assert.Equal(attached, await p.AttachVolumeAsync(volume, server, Ct)); // already attached: no-op
        await p.DetachVolumeAsync(volume, Ct);
        Assert.Null((await p.FindVolumeAsync("data", Ct))!.ServerId);
        await p.DetachVolumeAsync(volume, Ct);
        await p.AttachVolumeAsync(volume, server, Ct);
        await p.DeleteVolumeAsync(volume, Ct); // detaches first
        await p.DeleteVolumeAsync(volume, Ct);
        Assert.Empty(await p.ListVolumesAsync(Ct));
    }

    [Fact]
    public async Task Attaching_to_a_booting_server_waits_for_its_lock_on_the_clock()
    {
        await using var sb = await HetznerSandbox.StartAsync(new EmulatorOptions { ServerBootTime = TimeSpan.FromSeconds(40) });
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("net", "fsn1", Ct);
        var fw = await p.CreateFirewallAsync("fw", net, Ct);
        var start = sb.Clock.GetUtcNow();
        var server = await p.CreateServerAsync(Spec("db-1", net, fw), Ct);
        var volume = await p.CreateVolumeAsync(new VolumeSpec("data", 10, "fsn1", Labels), Ct);
        var attached = await p.AttachVolumeAsync(volume, server, Ct); // 423 locked until the boot finishes
        Assert.Equal(server.Id, attached.ServerId);
        Assert.True(sb.Clock.GetUtcNow() - start >= TimeSpan.FromSeconds(40));
        Assert.True(sb.Statuses.GetValueOrDefault(423) > 0, "the emulator answered locked");

        var second = await p.CreateServerAsync(Spec("db-2", net, fw), Ct);
        await p.DeleteServerAsync(second, Ct); // detaching a booting server from its network waits too
        Assert.Null(await p.FindServerAsync("db-2", Ct));
    }

    [Fact]
    public async Task Catalogue_lists_types_with_price_and_architecture_and_locations()
    {
        await using var sb = await HetznerSandbox.StartAsync();
        var p = sb.Provider;
        var types = await p.ListServerTypesAsync(Ct);
        var cx22 = types.Single(t => t.Name == "cx22");
        Assert.Equal((2, 4.0, 3.79m, "EUR", CpuArchitecture.Amd64), (cx22.Cores, cx22.MemoryGb, cx22.MonthlyPrice, cx22.Currency, cx22.Architecture));
        Assert.DoesNotContain("ash", cx22.Locations);
        Assert.Equal(CpuArchitecture.Arm64, types.Single(t => t.Name == "cax11").Architecture);
        Assert.Equal(CpuArchitecture.Arm64, await p.GetArchitectureAsync("cax11", Ct));
        Assert.Equal(CpuArchitecture.Amd64, await p.GetArchitectureAsync("cpx11", Ct));
        Assert.Equal(["fsn1", "nbg1", "hel1", "ash", "hil"], (await p.ListLocationsAsync(Ct)).Select(l => l.Name));
    }

    [Fact]
    public async Task Validation_names_the_bad_value_and_the_valid_ones()
    {
        await using var sb = await HetznerSandbox.StartAsync();
        var p = sb.Provider;
        await p.ValidateCredentialsAsync(Ct);
        await p.ValidateServerTypeAsync("cx22", "fsn1", Ct);
        await p.ValidateLocationAsync("hel1", Ct);
        var type = await Assert.ThrowsAsync<CloudValidationException>(() => p.ValidateServerTypeAsync("cx99", "fsn1", Ct));
        Assert.Contains("cx99", type.Message);
        Assert.Contains("cx22", type.Message);
        var where = await Assert.ThrowsAsync<CloudValidationException>(() => p.ValidateServerTypeAsync("cx22", "ash", Ct));
        Assert.Contains("fsn1", where.Message);
        var location = await Assert.ThrowsAsync<CloudValidationException>(() => p.ValidateLocationAsync("mars1", Ct));
        Assert.Contains("mars1", location.Message);
        Assert.Equal(ExitCodes.InvalidInput, location.ExitCode);
        await Assert.ThrowsAsync<CloudValidationException>(() => p.GetArchitectureAsync("nope", Ct));
    }

    [Fact]
    public async Task Invalid_input_is_a_typed_error_with_the_providers_message()
    {
        const string token = "s3cr3t-hetzner-token";
        await using var sb = await HetznerSandbox.StartAsync(token: token);
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("net", "fsn1", Ct);
        var fw = await p.CreateFirewallAsync("fw", net, Ct);
        var e = await Assert.ThrowsAsync<CloudApiException>(() => p.CreateServerAsync(Spec("bad", net, fw, type: "cx99"), Ct));
        Assert.Equal((400, "invalid_input"), (e.StatusCode, e.Code));
        Assert.Contains("server_type", e.Message);
        var v = await Assert.ThrowsAsync<CloudApiException>(() => p.CreateVolumeAsync(new VolumeSpec("tiny", 1, "fsn1", Labels), Ct));
        Assert.Contains("size", v.Message);
        Assert.Null(await p.FindServerAsync("bad", Ct));
        Assert.DoesNotContain(token, e.ToString());
        Assert.DoesNotContain(token, v.ToString());
    }

    [Fact]
    public async Task Unauthorized_token_raises_authentication_error_without_the_token()
    {
        await using var sb = await HetznerSandbox.StartAsync();
        using var bad = sb.Adapter("invalid");
        var e = await Assert.ThrowsAsync<CloudAuthenticationException>(() => bad.ValidateCredentialsAsync(Ct));
        Assert.Equal((401, "unauthorized"), (e.StatusCode, e.Code));
        Assert.Contains("unable to authenticate", e.Message);
        await Assert.ThrowsAsync<CloudAuthenticationException>(() => bad.FindServerAsync("x", Ct));
    }

    [Fact]
    public async Task Not_found_is_null_on_find_and_a_no_op_on_delete()
    {
        await using var sb = await HetznerSandbox.StartAsync();
        var p = sb.Provider;
        Assert.Null(await p.FindServerAsync("ghost", Ct));
        Assert.Null(await p.FindVolumeAsync("ghost", Ct));
        Assert.Null(await p.FindFirewallAsync("ghost", Ct));
        await p.DeleteServerAsync(new ServerInfo("424242", "ghost", ServerStatus.Running, null, null, "cx22", "fsn1"), Ct);
        await p.DeleteVolumeAsync(new VolumeInfo("424242", "ghost", 10, "fsn1", null, null), Ct);
        await p.DeleteFirewallAsync(new FirewallInfo("424242", "ghost"), Ct);
        await p.DeleteNetworkAsync(new NetworkInfo("424242", "ghost", "10.0.0.0/16"), Ct);
        var e = await Assert.ThrowsAsync<CloudApiException>(() => p.WaitForServerRunningAsync("424242", TimeSpan.FromSeconds(5), Ct));
        Assert.Equal((404, "not_found"), (e.StatusCode, e.Code));
    }

    [Fact]
    public async Task Listing_follows_pagination_across_pages()
    {
        await using var sb = await HetznerSandbox.StartAsync();
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("net", "fsn1", Ct);
        var fw = await p.CreateFirewallAsync("fw", net, Ct);
        for (var i = 0; i < 60; i++)
            await p.CreateServerAsync(Spec($"s-{i:00}", net, fw), Ct);
        var all = await p.ListServersAsync(Ct);
        Assert.Equal(60, all.Count);
        Assert.Equal(60, all.Select(s => s.Name).Distinct().Count());
        Assert.Equal(60, all.Select(s => s.PrivateIPv4).Distinct().Count());
        Assert.NotNull(await p.FindServerAsync("s-59", Ct));
    }

    [Fact]
    public async Task Rate_limit_429_is_retried_after_RateLimit_Reset()
    {
        await using var sb = await HetznerSandbox.StartAsync();
        sb.Emulator.RateLimitNextRequests(2);
        var before = sb.Clock.GetUtcNow();
        var locations = await sb.Provider.ListLocationsAsync(Ct);
        Assert.Equal(5, locations.Count);
        Assert.Equal(2, sb.Statuses[429]);
        Assert.True(sb.Clock.GetUtcNow() - before >= TimeSpan.FromSeconds(1), "waited for RateLimit-Reset on the clock");
    }

    [Theory]
    [InlineData(42)]
    [InlineData(7)]
    [InlineData(2026)]
    public async Task Full_lifecycle_completes_with_20_percent_faults_and_no_duplicates(int seed)
    {
        await using var sb = await HetznerSandbox.StartAsync(new EmulatorOptions { FaultRate = 0.2, Seed = seed, ServerBootTime = TimeSpan.FromSeconds(20) });
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("app-net", "fsn1", Ct);
        var fw = await p.CreateFirewallAsync("app-fw", net, Ct);
        var servers = new List<ServerInfo>();
        foreach (var name in new[] { "app-master", "app-worker-1", "app-worker-2" })
        {
            var s = await p.FindServerAsync(name, Ct) ?? await p.CreateServerAsync(Spec(name, net, fw), Ct);
            servers.Add(await p.WaitForServerRunningAsync(s.Id, TimeSpan.FromMinutes(10), Ct));
        }
        var volumes = new List<VolumeInfo>();
        foreach (var s in servers)
        {
            var v = await p.CreateVolumeAsync(new VolumeSpec(s.Name + "-data", 10, s.Location, Labels), Ct);
            volumes.Add(await p.AttachVolumeAsync(v, s, Ct));
        }
        var names = sb.Emulator.ResourceNames();
        Assert.Equal(["app-net"], names["networks"]);
        Assert.Equal(["app-fw"], names["firewalls"]);
        Assert.Equal(["app-master", "app-worker-1", "app-worker-2"], names["servers"].Order());
        Assert.Equal(3, names["volumes"].Distinct().Count());
        Assert.Equal(3, names["volumes"].Count);
        Assert.All(volumes, v => Assert.NotNull(v.DevicePath));

        foreach (var v in volumes) await p.DetachVolumeAsync(v, Ct);
        foreach (var s in servers) await p.DeleteServerAsync(s, Ct);
        foreach (var v in volumes) await p.DeleteVolumeAsync(v, Ct);
        await p.DeleteFirewallAsync(fw, Ct);
        await p.DeleteNetworkAsync(net, Ct);
        Assert.All(sb.Emulator.ResourceNames().Values, Assert.Empty);
        Assert.True(sb.Statuses.GetValueOrDefault(429) > 0 && sb.Statuses.GetValueOrDefault(500) > 0 && sb.Statuses.GetValueOrDefault(503) > 0,
            "faults were injected: " + string.Join(", ", sb.Statuses.Select(kv => $"{kv.Key}={kv.Value}")));
    }

    [Fact]
    public async Task Parallel_provisioning_with_faults_leaves_exactly_one_of_each()
    {
        await using var sb = await HetznerSandbox.StartAsync(new EmulatorOptions { FaultRate = 0.2, Seed = 99, ServerBootTime = TimeSpan.FromSeconds(10) });
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("par-net", "hel1", Ct);
        var fw = await p.CreateFirewallAsync("par-fw", net, Ct);
        var names = Enumerable.Range(1, 6).Select(i => $"par-{i}").ToList();
        var servers = await Task.WhenAll(names.Select(async name =>
        {
            var s = await p.CreateServerAsync(Spec(name, net, fw, type: "cax11", location: "hel1"), Ct);
            s = await p.WaitForServerRunningAsync(s.Id, TimeSpan.FromMinutes(10), Ct);
            var v = await p.CreateVolumeAsync(new VolumeSpec(name + "-data", 10, s.Location, Labels), Ct);
            await p.AttachVolumeAsync(v, s, Ct);
            return s;
        }));
        var live = sb.Emulator.ResourceNames();
        Assert.Equal(names, live["servers"].Order());
        Assert.Equal(names.Select(n => n + "-data"), live["volumes"].Order());
        Assert.Equal(6, servers.Select(s => s.PrivateIPv4).Distinct().Count());
        await Task.WhenAll(servers.Select(s => p.DeleteServerAsync(s, Ct)));
        await Task.WhenAll((await p.ListVolumesAsync(Ct)).Select(v => p.DeleteVolumeAsync(v, Ct)));
        await p.DeleteFirewallAsync(fw, Ct);
        await p.DeleteNetworkAsync(net, Ct);
        Assert.All(sb.Emulator.ResourceNames().Values, Assert.Empty);
    }

    [Fact]
    public void Endpoint_comes_from_HCLOUD_ENDPOINT_or_defaults()
    {
        Assert.Equal(HetznerCloudProvider.DefaultEndpoint, HetznerCloudProvider.EndpointFromEnvironment(_ => null));
        Assert.Equal(new Uri("http://127.0.0.1:9/v1"), HetznerCloudProvider.EndpointFromEnvironment(_ => "http://127.0.0.1:9/v1"));
        Assert.Throws<NvoiException>(() => HetznerCloudProvider.EndpointFromEnvironment(_ => "ftp://x"));
    }
}
