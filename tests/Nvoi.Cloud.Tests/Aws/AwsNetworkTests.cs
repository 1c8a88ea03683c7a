using Nvoi.Cloud;

namespace Nvoi.Cloud.Tests.Aws;

public sealed class AwsNetworkTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Network_lifecycle_creates_vpc_subnet_gateway_and_default_route_then_deletes_them()
    {
        await using var bed = await AwsTestBed.StartAsync();
        var aws = bed.Provider;
        Assert.Null(await aws.FindNetworkAsync("demo-net", Ct));

        var network = await aws.CreateNetworkAsync("demo-net", "us-east-1", Ct);
        Assert.StartsWith("vpc-0", network.Id);
        Assert.Equal("10.0.0.0/16", network.IpRange);
        Assert.StartsWith("subnet-0", network.SubnetId);

        var state = bed.Emulator.Inspect();
        var vpc = Assert.Single(state.Vpcs.Values);
        Assert.Equal("demo-net", vpc.Name);
        var subnet = Assert.Single(state.Subnets.Values);
        Assert.Equal(("10.0.1.0/24", true, "demo-net-subnet", vpc.Id), (subnet.CidrBlock, subnet.MapPublicIpOnLaunch, subnet.Name, subnet.VpcId));
        var igw = Assert.Single(state.InternetGateways.Values);
        Assert.Equal((vpc.Id, "demo-net-igw"), (igw.VpcId, igw.Name)); // 0.2.0's tag names, so its networks are adopted
        var table = Assert.Single(state.RouteTables.Values, t => !t.Main);
        Assert.Equal("demo-net-rtb", table.Name);
        Assert.Contains(new Sandbox.Aws.Route("0.0.0.0/0", igw.Id), table.Routes);
        Assert.Equal(subnet.Id, Assert.Single(table.Associations).SubnetId);

        Assert.Equal(network, await aws.FindNetworkAsync("demo-net", Ct));
        Assert.Equal(network, await aws.CreateNetworkAsync("demo-net", "us-east-1", Ct)); // converges, creates nothing
        Assert.Single(bed.Emulator.Inspect().Vpcs);

        await aws.DeleteNetworkAsync(network, Ct);
        Assert.Null(await aws.FindNetworkAsync("demo-net", Ct));
        state = bed.Emulator.Inspect();
        Assert.Empty(state.Vpcs);
        Assert.Empty(state.Subnets);
        Assert.Empty(state.InternetGateways);
        Assert.Empty(state.RouteTables);
        await aws.DeleteNetworkAsync(network, Ct); // idempotent
    }

    [Fact]
    public async Task Create_network_completes_a_half_created_one()
    {
        await using var bed = await AwsTestBed.StartAsync();
        using var ec2 = bed.Sdk();
        var vpcId = (await ec2.CreateVpcAsync(new Amazon.EC2.Model.CreateVpcRequest
        {
            CidrBlock = "10.0.0.0/16",
            TagSpecifications = [new() { ResourceType = Amazon.EC2.ResourceType.Vpc, Tags = [new("Name", "demo-net")] }],
        })).Vpc.VpcId;

        var half = await bed.Provider.FindNetworkAsync("demo-net", Ct);
        Assert.NotNull(half);
        Assert.Equal(vpcId, half.Id);
        Assert.Null(half.SubnetId);

        var network = await bed.Provider.CreateNetworkAsync("demo-net", "us-east-1", Ct);
        Assert.Equal(vpcId, network.Id);
        Assert.NotNull(network.SubnetId);
        var state = bed.Emulator.Inspect();
        Assert.Single(state.Vpcs);
        Assert.Equal(vpcId, Assert.Single(state.InternetGateways.Values).VpcId);
    }

    [Fact]
    public async Task Firewall_is_a_security_group_in_the_network_vpc_with_ssh_and_the_private_network_inbound()
    {
        await using var bed = await AwsTestBed.StartAsync();
        var aws = bed.Provider;
        var network = await aws.CreateNetworkAsync("demo-net", "us-east-1", Ct);
        Assert.Null(await aws.FindFirewallAsync("demo-fw", Ct));

        var firewall = await aws.CreateFirewallAsync("demo-fw", network, Ct);
        Assert.StartsWith("sg-0", firewall.Id);
        var group = bed.Emulator.Inspect().SecurityGroups[firewall.Id];
        Assert.Equal(network.Id, group.VpcId); // 0.2.0 put it in the default VPC
        Assert.Equal("demo-fw", group.GroupName);
        Assert.Equal("demo-fw", group.Name);
        FirewallRules.AssertExpected(group.Ingress);

        Assert.Equal(firewall, await aws.FindFirewallAsync("demo-fw", Ct));
        Assert.Equal(firewall, await aws.CreateFirewallAsync("demo-fw", network, Ct));
        FirewallRules.AssertExpected(bed.Emulator.Inspect().SecurityGroups[firewall.Id].Ingress);

        await aws.DeleteFirewallAsync(firewall, Ct);
        Assert.Null(await aws.FindFirewallAsync("demo-fw", Ct));
        await aws.DeleteFirewallAsync(firewall, Ct);
        await aws.DeleteNetworkAsync(network, Ct);
        Assert.Empty(bed.Emulator.Inspect().SecurityGroups);
    }

    [Fact]
    public async Task Delete_network_also_removes_a_leftover_firewall()
    {
        await using var bed = await AwsTestBed.StartAsync();
        var network = await bed.Provider.CreateNetworkAsync("n", "us-east-1", Ct);
        await bed.Provider.CreateFirewallAsync("fw", network, Ct);
        await bed.Provider.DeleteNetworkAsync(network, Ct);
        Assert.Empty(bed.Emulator.Inspect().Vpcs);
        Assert.Null(await bed.Provider.FindFirewallAsync("fw", Ct));
    }

    [Fact]
    public async Task A_firewall_left_in_the_default_vpc_by_0_2_0_is_replaced_in_the_network_vpc()
    {
        var settings = new Dictionary<string, string> { [Sandbox.Aws.Ec2Emulator.DefaultVpcSetting] = "true" };
        await using var bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.Zero, settings: settings);
        using var ec2 = bed.Sdk();
        var legacyId = (await ec2.CreateSecurityGroupAsync(new Amazon.EC2.Model.CreateSecurityGroupRequest
        {
            GroupName = "demo-fw", Description = "Managed by nvoi", // no VpcId: the default VPC, as 0.2.0 did
        })).GroupId;
        var aws = bed.Provider;
        var network = await aws.CreateNetworkAsync("demo", "us-east-1", Ct);
        var legacy = await aws.FindFirewallAsync("demo-fw", Ct);
        Assert.Equal(legacyId, legacy!.Id);

        var server = await aws.CreateServerAsync(AwsTestBed.Spec("demo-1", network, legacy), Ct);
        var state = bed.Emulator.Inspect();
        var groupId = Assert.Single(state.Instances[server.Id].SecurityGroupIds);
        Assert.NotEqual(legacyId, groupId);
        Assert.Equal((network.Id, "demo-fw"), (state.SecurityGroups[groupId].VpcId, state.SecurityGroups[groupId].GroupName));
        FirewallRules.AssertExpected(state.SecurityGroups[groupId].Ingress);
        Assert.Equal(groupId, (await aws.FindFirewallAsync("demo-fw", Ct))!.Id); // the network's group wins now
    }
}
