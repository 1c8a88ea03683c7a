using Nvoi.Cloud;

namespace Nvoi.Cloud.Tests.Aws;

public sealed class AwsVolumeTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Volume_lifecycle_create_attach_with_nvme_path_detach_delete()
    {
        await using var bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.Zero);
        var aws = bed.Provider;
        var network = await aws.CreateNetworkAsync("net", "us-east-1", Ct);
        var firewall = await aws.CreateFirewallAsync("fw", network, Ct);
        var server = await aws.WaitForServerRunningAsync(
            (await aws.CreateServerAsync(AwsTestBed.Spec("master", network, firewall), Ct)).Id, TimeSpan.FromMinutes(1), Ct);
        Assert.Null(await aws.FindVolumeAsync("master-pgdata", Ct));

        var labels = new Dictionary<string, string> { ["nvoi-app"] = "demo" };
        var volume = await aws.CreateVolumeAsync(new VolumeSpec("master-pgdata", 20, server.Location, labels), Ct);
        Assert.StartsWith("vol-0", volume.Id);
        Assert.Equal(("master-pgdata", 20, "us-east-1a", (string?)null, (string?)null),
            (volume.Name, volume.SizeGb, volume.Location, volume.ServerId, volume.DevicePath));
        var stored = bed.Emulator.Inspect().Volumes[volume.Id];
        Assert.Equal(("gp3", "demo"), (stored.VolumeType, stored.Tags["nvoi-app"]));
        Assert.Equal(volume, await aws.FindVolumeAsync("master-pgdata", Ct));
        Assert.Equal(volume.Id, (await aws.CreateVolumeAsync(new VolumeSpec("master-pgdata", 20, server.Location, labels), Ct)).Id);

        var attached = await aws.AttachVolumeAsync(volume, server, Ct);
        Assert.Equal(server.Id, attached.ServerId);
        Assert.Equal("/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_" + volume.Id.Replace("-", ""), attached.DevicePath);
        Assert.Equal("/dev/sdf", bed.Emulator.Inspect().Volumes[volume.Id].Device);
        Assert.Equal(attached, await aws.AttachVolumeAsync(volume, server, Ct)); // already attached: no-op

        var second = await aws.CreateVolumeAsync(new VolumeSpec("master-logs", 10, "us-east-1", labels), Ct);
        Assert.Equal("us-east-1a", second.Location); // a region means the subnet's zone
        await aws.AttachVolumeAsync(second, server, Ct);
        Assert.Equal("/dev/sdg", bed.Emulator.Inspect().Volumes[second.Id].Device); // next free letter

        await Assert.ThrowsAsync<CloudApiException>(() => aws.DeleteVolumeAsync(attached, Ct)); // VolumeInUse
        await aws.DetachVolumeAsync(attached, Ct);
        var detached = await aws.FindVolumeAsync("master-pgdata", Ct);
        Assert.Null(detached!.ServerId);
        Assert.Null(detached.DevicePath);
        await aws.DetachVolumeAsync(attached, Ct); // idempotent
        await aws.DeleteVolumeAsync(detached, Ct);
        Assert.Null(await aws.FindVolumeAsync("master-pgdata", Ct));
        await aws.DeleteVolumeAsync(detached, Ct); // idempotent

        await aws.DeleteServerAsync(server, Ct); // terminating detaches the second volume
        Assert.Null((await aws.FindVolumeAsync("master-logs", Ct))!.ServerId);
    }

    [Fact]
    public async Task Parallel_creates_and_attaches_get_distinct_devices()
    {
        await using var bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.FromSeconds(10));
        var aws = bed.Provider;
        var network = await aws.CreateNetworkAsync("net", "us-east-1", Ct);
        var firewall = await aws.CreateFirewallAsync("fw", network, Ct);
        var servers = await Task.WhenAll(Enumerable.Range(1, 3).Select(async i =>
            await aws.WaitForServerRunningAsync((await aws.CreateServerAsync(AwsTestBed.Spec($"w{i}", network, firewall), Ct)).Id, TimeSpan.FromMinutes(2), Ct)));
        Assert.Equal(3, servers.Select(s => s.PrivateIPv4).Distinct().Count());
        var volumes = await Task.WhenAll(Enumerable.Range(1, 4).Select(i =>
            aws.CreateVolumeAsync(new VolumeSpec($"v{i}", 10, servers[0].Location, new Dictionary<string, string>()), Ct)));
        await Task.WhenAll(volumes.Select(v => aws.AttachVolumeAsync(v, servers[0], Ct)));
        var devices = bed.Emulator.Inspect().Volumes.Values.Select(v => v.Device).Order().ToList();
        Assert.Equal(["/dev/sdf", "/dev/sdg", "/dev/sdh", "/dev/sdi"], devices);
    }

    [Fact]
    public async Task Xen_instances_see_the_volume_as_xvd()
    {
        await using var bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.Zero);
        var aws = bed.Provider;
        var network = await aws.CreateNetworkAsync("net", "us-east-1", Ct);
        var firewall = await aws.CreateFirewallAsync("fw", network, Ct);
        var server = await aws.WaitForServerRunningAsync(
            (await aws.CreateServerAsync(AwsTestBed.Spec("old", network, firewall, "t2.micro"), Ct)).Id, TimeSpan.FromMinutes(1), Ct);
        var volume = await aws.CreateVolumeAsync(new VolumeSpec("data", 10, server.Location, new Dictionary<string, string>()), Ct);
        Assert.Equal("/dev/xvdf", (await aws.AttachVolumeAsync(volume, server, Ct)).DevicePath);
    }

    [Fact]
    public async Task Attaching_an_unknown_volume_names_it()
    {
        await using var bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.Zero);
        var ghost = new VolumeInfo("vol-0123456789abcdef0", "ghost", 10, "us-east-1a", null, null);
        var server = new ServerInfo("i-0123456789abcdef0", "s", ServerStatus.Running, null, null, "t3.small", "us-east-1a");
        var error = await Assert.ThrowsAsync<CloudApiException>(() => bed.Provider.AttachVolumeAsync(ghost, server, Ct));
        Assert.Equal("InvalidVolume.NotFound", error.Code);
        Assert.Contains("ghost", error.Message);
    }
}
