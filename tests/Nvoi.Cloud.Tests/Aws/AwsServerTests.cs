using System.Text;
using Nvoi.Cloud;

namespace Nvoi.Cloud.Tests.Aws;

public sealed class AwsServerTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Server_lifecycle_launches_ubuntu_with_user_data_waits_for_running_and_terminates()
    {
        await using var bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.FromSeconds(40));
        var aws = bed.Provider;
        var network = await aws.CreateNetworkAsync("net", "us-east-1", Ct);
        var firewall = await aws.CreateFirewallAsync("fw", network, Ct);
        Assert.Null(await aws.FindServerAsync("demo-master-1", Ct));

        var spec = AwsTestBed.Spec("demo-master-1", network, firewall);
        var created = await aws.CreateServerAsync(spec, Ct);
        Assert.StartsWith("i-0", created.Id);
        Assert.Equal(ServerStatus.Starting, created.Status);
        Assert.Null(created.PublicIPv4);

        var instance = bed.Emulator.Inspect().Instances[created.Id];
        Assert.Equal("ami-04b4f1a9cf54c11d0", instance.ImageId); // newest Canonical amd64 noble, not the impostor
        Assert.Equal(spec.UserData, Encoding.UTF8.GetString(Convert.FromBase64String(instance.UserData!)));
        Assert.Equal(network.SubnetId, instance.SubnetId);
        Assert.Equal([firewall.Id], instance.SecurityGroupIds);
        Assert.Equal("demo-master-1", instance.Name);
        Assert.Equal("demo", instance.Tags["nvoi-app"]);
        Assert.NotNull(instance.ClientToken);

        var started = bed.Time.GetUtcNow();
        var running = await aws.WaitForServerRunningAsync(created.Id, TimeSpan.FromMinutes(5), Ct);
        Assert.True(bed.Time.GetUtcNow() - started >= TimeSpan.FromSeconds(40));
        Assert.Equal(ServerStatus.Running, running.Status);
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", running.PublicIPv4);
        Assert.StartsWith("10.0.1.", running.PrivateIPv4);
        Assert.Equal(("demo-master-1", "t3.small", "us-east-1a"), (running.Name, running.ServerType, running.Location));

        Assert.Equal(running, await aws.FindServerAsync("demo-master-1", Ct));
        Assert.Equal(running, Assert.Single(await aws.ListServersAsync(Ct)));
        Assert.Equal(running.Id, (await aws.CreateServerAsync(spec, Ct)).Id); // found by name, not launched twice

        await aws.DeleteServerAsync(running, Ct);
        Assert.Equal("terminated", bed.Emulator.StateOf(running.Id));
        Assert.Null(await aws.FindServerAsync("demo-master-1", Ct));
        Assert.Empty(await aws.ListServersAsync(Ct));
        await aws.DeleteServerAsync(running, Ct); // idempotent

        await aws.DeleteFirewallAsync(firewall, Ct);
        await aws.DeleteNetworkAsync(network, Ct);
        Assert.Empty(bed.Emulator.Inspect().Vpcs);
    }

    [Fact]
    public async Task Graviton_types_get_the_arm64_image()
    {
        await using var bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.Zero);
        var network = await bed.Provider.CreateNetworkAsync("net", "us-east-1", Ct);
        var firewall = await bed.Provider.CreateFirewallAsync("fw", network, Ct);
        var server = await bed.Provider.CreateServerAsync(AwsTestBed.Spec("arm", network, firewall, "t4g.small"), Ct);
        var instance = bed.Emulator.Inspect().Instances[server.Id];
        Assert.Equal(("ami-0a3c14e1ddbe7f23c", "arm64"), (instance.ImageId, instance.Architecture));
    }

    [Fact]
    public async Task Wait_times_out_through_the_clock_when_the_server_never_runs()
    {
        await using var bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.FromHours(1));
        var network = await bed.Provider.CreateNetworkAsync("net", "us-east-1", Ct);
        var firewall = await bed.Provider.CreateFirewallAsync("fw", network, Ct);
        var server = await bed.Provider.CreateServerAsync(AwsTestBed.Spec("slow", network, firewall), Ct);
        var error = await Assert.ThrowsAsync<CloudApiException>(() => bed.Provider.WaitForServerRunningAsync(server.Id, TimeSpan.FromMinutes(2), Ct));
        Assert.Contains("timed out", error.Message);
    }

    [Fact]
    public async Task Unknown_instance_is_not_found_rather_than_an_error()
    {
        await using var bed = await AwsTestBed.StartAsync();
        using var ec2 = bed.Sdk();
        var raw = await Assert.ThrowsAsync<Amazon.EC2.AmazonEC2Exception>(() =>
            ec2.DescribeInstancesAsync(new Amazon.EC2.Model.DescribeInstancesRequest { InstanceIds = ["i-0123456789abcdef0"] }));
        Assert.Equal("InvalidInstanceID.NotFound", raw.ErrorCode);
        Assert.Equal(400, (int)raw.StatusCode);

        var ghost = new ServerInfo("i-0123456789abcdef0", "ghost", ServerStatus.Running, null, null, "t3.small", "us-east-1a");
        await bed.Provider.DeleteServerAsync(ghost, Ct);
        Assert.Null(await bed.Provider.FindServerAsync("ghost", Ct));
    }

    [Fact]
    public async Task Listing_follows_next_tokens_across_pages()
    {
        await using var bed = await AwsTestBed.StartAsync(pageSize: 5, bootTime: TimeSpan.Zero);
        var aws = bed.Provider;
        var network = await aws.CreateNetworkAsync("net", "us-east-1", Ct);
        var firewall = await aws.CreateFirewallAsync("fw", network, Ct);
        for (var i = 0; i < 12; i++)
            await aws.CreateServerAsync(AwsTestBed.Spec($"s{i}", network, firewall), Ct);
        for (var i = 0; i < 7; i++)
            await aws.CreateVolumeAsync(new VolumeSpec($"v{i}", 10, "us-east-1a", new Dictionary<string, string>()), Ct);

        var before = bed.Emulator.Calls.GetValueOrDefault("DescribeInstances");
        var servers = await aws.ListServersAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"s{i}").Order(), servers.Select(s => s.Name).Order());
        Assert.Equal(3, bed.Emulator.Calls["DescribeInstances"] - before);
        Assert.Equal(7, (await aws.ListVolumesAsync(Ct)).Count);
        var types = await aws.ListServerTypesAsync(Ct);
        Assert.Equal(17, types.Count);
        Assert.Equal(types.Count, types.Select(t => t.Name).Distinct().Count());
    }
}
