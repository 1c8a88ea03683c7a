using Nvoi.Cloud;

namespace Nvoi.Cloud.Tests.Aws;

/// <summary>A fifth of all requests fail (throttled, unavailable, or done-but-answered-500): the lifecycle still completes with one of everything.</summary>
public sealed class AwsFaultTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(2026)]
    public async Task Full_lifecycle_under_faults_creates_no_duplicates(int seed)
    {
        await using var bed = await AwsTestBed.StartAsync(faultRate: 0.2, seed: seed, bootTime: TimeSpan.FromSeconds(20));
        var aws = bed.Provider;
        await aws.ValidateCredentialsAsync(Ct);
        await aws.ValidateLocationAsync("us-east-1", Ct);
        await aws.ValidateServerTypeAsync("t3.small", "us-east-1", Ct);

        var network = await aws.CreateNetworkAsync("demo", "us-east-1", Ct);
        var firewall = await aws.CreateFirewallAsync("demo-fw", network, Ct);
        var servers = new List<ServerInfo>();
        for (var i = 1; i <= 2; i++)
        {
            var created = await aws.CreateServerAsync(AwsTestBed.Spec($"demo-{i}", network, firewall), Ct);
            servers.Add(await aws.WaitForServerRunningAsync(created.Id, TimeSpan.FromMinutes(5), Ct));
        }
        var volume = await aws.CreateVolumeAsync(new VolumeSpec("demo-data", 10, servers[0].Location, new Dictionary<string, string>()), Ct);
        volume = await aws.AttachVolumeAsync(volume, servers[0], Ct);

        var state = bed.Emulator.Inspect();
        Assert.Single(state.Vpcs);
        Assert.Single(state.Subnets);
        Assert.Single(state.InternetGateways);
        Assert.Single(state.RouteTables.Values, t => !t.Main);
        Assert.Single(state.SecurityGroups.Values, g => g.GroupName == "demo-fw");
        FirewallRules.AssertExpected(state.SecurityGroups[firewall.Id].Ingress);
        Assert.Equal(2, state.Instances.Count);
        Assert.Equal(["demo-1", "demo-2"], state.Instances.Values.Select(i => i.Name!).Order());
        Assert.Equal(servers[0].Id, Assert.Single(state.Volumes.Values).InstanceId);
        Assert.Equal(2, (await aws.ListServersAsync(Ct)).Count);

        await aws.DetachVolumeAsync(volume, Ct);
        await aws.DeleteVolumeAsync(volume, Ct);
        foreach (var server in servers) await aws.DeleteServerAsync(server, Ct);
        await aws.DeleteFirewallAsync(firewall, Ct);
        await aws.DeleteNetworkAsync(network, Ct);

        state = bed.Emulator.Inspect();
        Assert.Empty(state.Vpcs);
        Assert.Empty(state.Volumes);
        Assert.All(state.Instances.Keys, id => Assert.Equal("terminated", bed.Emulator.StateOf(id)));
    }
}

public sealed class AwsLostResponseTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData("CreateVpc")]
    [InlineData("CreateSubnet")]
    [InlineData("CreateInternetGateway")]
    [InlineData("AttachInternetGateway")]
    [InlineData("CreateRouteTable")]
    [InlineData("CreateRoute")]
    [InlineData("AssociateRouteTable")]
    public async Task A_lost_network_create_answer_is_looked_up_not_repeated(string action)
    {
        await using var bed = await AwsTestBed.StartAsync();
        bed.Emulator.LoseNextResponse(action);
        var network = await bed.Provider.CreateNetworkAsync("net", "us-east-1", Ct);
        var state = bed.Emulator.Inspect();
        Assert.Equal(network.Id, Assert.Single(state.Vpcs).Key);
        Assert.Single(state.Subnets);
        Assert.Single(state.InternetGateways);
        var table = Assert.Single(state.RouteTables.Values, t => !t.Main);
        Assert.Single(table.Routes);
        Assert.Single(table.Associations);
    }

    [Theory]
    [InlineData("CreateSecurityGroup")]
    [InlineData("AuthorizeSecurityGroupIngress")]
    public async Task A_lost_firewall_create_answer_is_looked_up_not_repeated(string action)
    {
        await using var bed = await AwsTestBed.StartAsync();
        var network = await bed.Provider.CreateNetworkAsync("net", "us-east-1", Ct);
        bed.Emulator.LoseNextResponse(action);
        var firewall = await bed.Provider.CreateFirewallAsync("fw", network, Ct);
        var group = Assert.Single(bed.Emulator.Inspect().SecurityGroups.Values, g => g.GroupName == "fw");
        Assert.Equal(firewall.Id, group.Id);
        FirewallRules.AssertExpected(group.Ingress);
    }

    [Fact]
    public async Task A_lost_run_instances_answer_is_retried_with_the_same_client_token()
    {
        await using var bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.Zero);
        var network = await bed.Provider.CreateNetworkAsync("net", "us-east-1", Ct);
        var firewall = await bed.Provider.CreateFirewallAsync("fw", network, Ct);
        bed.Emulator.LoseNextResponse("RunInstances");
        var server = await bed.Provider.CreateServerAsync(AwsTestBed.Spec("s", network, firewall), Ct);
        Assert.Equal(server.Id, Assert.Single(bed.Emulator.Inspect().Instances).Key);
        Assert.Equal(2, bed.Emulator.Calls["RunInstances"]);
    }

    [Theory]
    [InlineData("CreateVolume")]
    [InlineData("AttachVolume")]
    [InlineData("DetachVolume")]
    [InlineData("DeleteVolume")]
    [InlineData("TerminateInstances")]
    public async Task Lost_volume_and_delete_answers_are_harmless(string action)
    {
        await using var bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.Zero);
        var aws = bed.Provider;
        var network = await aws.CreateNetworkAsync("net", "us-east-1", Ct);
        var firewall = await aws.CreateFirewallAsync("fw", network, Ct);
        var server = await aws.WaitForServerRunningAsync((await aws.CreateServerAsync(AwsTestBed.Spec("s", network, firewall), Ct)).Id, TimeSpan.FromMinutes(1), Ct);
        bed.Emulator.LoseNextResponse(action);
        var volume = await aws.CreateVolumeAsync(new VolumeSpec("v", 10, server.Location, new Dictionary<string, string>()), Ct);
        Assert.Single(bed.Emulator.Inspect().Volumes);
        volume = await aws.AttachVolumeAsync(volume, server, Ct);
        Assert.Equal("/dev/sdf", bed.Emulator.Inspect().Volumes[volume.Id].Device);
        await aws.DetachVolumeAsync(volume, Ct);
        await aws.DeleteVolumeAsync(volume, Ct);
        await aws.DeleteServerAsync(server, Ct);
        var state = bed.Emulator.Inspect();
        Assert.Empty(state.Volumes);
        Assert.Equal("terminated", bed.Emulator.StateOf(server.Id));
        Assert.True(bed.Emulator.Calls.GetValueOrDefault(action) >= 2, $"{action} was not retried after its lost answer");
    }

    [Fact]
    public async Task Faults_are_really_injected()
    {
        await using var bed = await AwsTestBed.StartAsync(faultRate: 0.2, seed: 1);
        using var fragile = bed.NewProvider(retry: new Nvoi.Http.RetryOptions(0, TimeSpan.Zero, TimeSpan.Zero, false));
        var failures = 0;
        for (var i = 0; i < 40; i++)
        {
            try { await fragile.ListLocationsAsync(Ct); }
            catch (CloudApiException e) when (e.StatusCode is 500 or 503) { failures++; }
        }
        Assert.InRange(failures, 2, 20);
    }
}
