using Amazon.EC2;
using Amazon.EC2.Model;

namespace Nvoi.Cloud.Aws;

public sealed partial class AwsProvider
{
    /// <summary>The VPC tagged with the name, with its subnet's id (null while the network is incomplete; <see cref="CreateNetworkAsync"/> completes it).</summary>
    public async Task<NetworkInfo?> FindNetworkAsync(string name, CancellationToken ct)
    {
        var vpc = await FindVpcAsync(name, ct).ConfigureAwait(false);
        if (vpc is null) return null;
        var subnet = await FindSubnetAsync(vpc.VpcId, name, ct).ConfigureAwait(false);
        return new NetworkInfo(vpc.VpcId, name, vpc.CidrBlock, subnet?.SubnetId);
    }

    /// <summary>Creates, or completes, VPC + subnet (public IPs on launch) + internet gateway + default route. Each part is found by name first.</summary>
    public async Task<NetworkInfo> CreateNetworkAsync(string name, string location, CancellationToken ct)
    {
        var vpc = await FindVpcAsync(name, ct).ConfigureAwait(false)
            ?? await _calls.CreateOnceAsync(
                async t => (await _ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = VpcCidr, TagSpecifications = NameTags(ResourceType.Vpc, name) }, t)).Vpc,
                t => FindVpcAsync(name, t), ct).ConfigureAwait(false);

        var subnet = await FindSubnetAsync(vpc.VpcId, name, ct).ConfigureAwait(false)
            ?? await _calls.CreateOnceAsync(
                async t => (await _ec2.CreateSubnetAsync(new CreateSubnetRequest
                {
                    VpcId = vpc.VpcId, CidrBlock = SubnetCidr, AvailabilityZone = DefaultZone,
                    TagSpecifications = NameTags(ResourceType.Subnet, name + "-subnet"),
                }, t)).Subnet,
                t => FindSubnetAsync(vpc.VpcId, name, t), ct).ConfigureAwait(false);
        if (subnet.MapPublicIpOnLaunch != true)
            await _calls.Ensure(t => _ec2.ModifySubnetAttributeAsync(new ModifySubnetAttributeRequest { SubnetId = subnet.SubnetId, MapPublicIpOnLaunch = true }, t), ct).ConfigureAwait(false);

        var igw = await FindGatewayAsync(vpc.VpcId, name, ct).ConfigureAwait(false)
            ?? await _calls.CreateOnceAsync(
                async t => (await _ec2.CreateInternetGatewayAsync(new CreateInternetGatewayRequest { TagSpecifications = NameTags(ResourceType.InternetGateway, name + "-igw") }, t)).InternetGateway,
                t => FindGatewayAsync(vpc.VpcId, name, t), ct).ConfigureAwait(false);
        if (igw.Attachments?.Any(a => a.VpcId == vpc.VpcId) != true)
            await _calls.Ensure(t => _ec2.AttachInternetGatewayAsync(new AttachInternetGatewayRequest { InternetGatewayId = igw.InternetGatewayId, VpcId = vpc.VpcId }, t),
                ct, "Resource.AlreadyAssociated").ConfigureAwait(false);

        var table = await FindRouteTableAsync(vpc.VpcId, name, ct).ConfigureAwait(false)
            ?? await _calls.CreateOnceAsync(
                async t => (await _ec2.CreateRouteTableAsync(new CreateRouteTableRequest { VpcId = vpc.VpcId, TagSpecifications = NameTags(ResourceType.RouteTable, name + "-rtb") }, t)).RouteTable,
                t => FindRouteTableAsync(vpc.VpcId, name, t), ct).ConfigureAwait(false);
        if (table.Routes?.Any(r => r.DestinationCidrBlock == "0.0.0.0/0" && r.GatewayId == igw.InternetGatewayId) != true)
            await _calls.Ensure(t => _ec2.CreateRouteAsync(new CreateRouteRequest
            {
                RouteTableId = table.RouteTableId, DestinationCidrBlock = "0.0.0.0/0", GatewayId = igw.InternetGatewayId,
            }, t), ct, "RouteAlreadyExists").ConfigureAwait(false);
        if (table.Associations?.Any(a => a.SubnetId == subnet.SubnetId) != true)
            await _calls.Ensure(t => _ec2.AssociateRouteTableAsync(new AssociateRouteTableRequest { RouteTableId = table.RouteTableId, SubnetId = subnet.SubnetId }, t),
                ct, "Resource.AlreadyAssociated").ConfigureAwait(false);

        return new NetworkInfo(vpc.VpcId, name, vpc.CidrBlock, subnet.SubnetId);
    }

    /// <summary>Deletes everything in the VPC nvoi created (route table, gateway, subnets, security groups), then the VPC. Idempotent.</summary>
    public async Task DeleteNetworkAsync(NetworkInfo network, CancellationToken ct)
    {
        var vpcId = network.Id;
        var tables = await _calls.Read(t => _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [F("vpc-id", vpcId)] }, t), ct).ConfigureAwait(false);
        foreach (var table in tables.RouteTables ?? [])
        {
            if (table.Associations?.Any(a => a.Main == true) == true) continue;
            foreach (var association in table.Associations ?? [])
                await _calls.Ensure(t => _ec2.DisassociateRouteTableAsync(new DisassociateRouteTableRequest { AssociationId = association.RouteTableAssociationId }, t),
                    ct, "InvalidAssociationID.NotFound").ConfigureAwait(false);
            await _calls.Ensure(t => _ec2.DeleteRouteTableAsync(new DeleteRouteTableRequest { RouteTableId = table.RouteTableId }, t),
                ct, "InvalidRouteTableID.NotFound").ConfigureAwait(false);
        }
        var gateways = await _calls.Read(t => _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = [F("attachment.vpc-id", vpcId)] }, t), ct).ConfigureAwait(false);
        foreach (var igw in gateways.InternetGateways ?? [])
        {
            await DependentDelete(t => _ec2.DetachInternetGatewayAsync(new DetachInternetGatewayRequest { InternetGatewayId = igw.InternetGatewayId, VpcId = vpcId }, t),
                ct, "Gateway.NotAttached", "InvalidInternetGatewayID.NotFound").ConfigureAwait(false);
            await _calls.Ensure(t => _ec2.DeleteInternetGatewayAsync(new DeleteInternetGatewayRequest { InternetGatewayId = igw.InternetGatewayId }, t),
                ct, "InvalidInternetGatewayID.NotFound").ConfigureAwait(false);
        }
        var groups = await _calls.Read(t => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [F("vpc-id", vpcId)] }, t), ct).ConfigureAwait(false);
        foreach (var group in (groups.SecurityGroups ?? []).Where(g => g.GroupName != "default"))
            await DependentDelete(t => _ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = group.GroupId }, t),
                ct, "InvalidGroup.NotFound").ConfigureAwait(false);
        var subnets = await _calls.Read(t => _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [F("vpc-id", vpcId)] }, t), ct).ConfigureAwait(false);
        foreach (var subnet in subnets.Subnets ?? [])
            await DependentDelete(t => _ec2.DeleteSubnetAsync(new DeleteSubnetRequest { SubnetId = subnet.SubnetId }, t),
                ct, "InvalidSubnetID.NotFound").ConfigureAwait(false);
        await DependentDelete(t => _ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = vpcId }, t), ct, "InvalidVpcID.NotFound").ConfigureAwait(false);
    }

    /// <summary>
    /// A delete that EC2 may refuse with DependencyViolation for a while after instances are
    /// terminated (their network interfaces linger): retried through the TimeProvider until the timeout.
    /// </summary>
    private async Task DependentDelete(Func<CancellationToken, Task> call, CancellationToken ct, params string[] alreadyDone)
    {
        var deadline = _time.GetUtcNow() + OperationTimeout;
        while (true)
        {
            try
            {
                await _calls.Ensure(call, ct, alreadyDone).ConfigureAwait(false);
                return;
            }
            catch (CloudApiException e) when (e.Code == "DependencyViolation" && _time.GetUtcNow() < deadline)
            {
                await Task.Delay(PollInterval, _time, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<Vpc?> FindVpcAsync(string name, CancellationToken ct) =>
        (await _calls.Read(t => _ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [F("tag:Name", name)] }, t), ct).ConfigureAwait(false))
        .Vpcs?.FirstOrDefault();

    /// <summary>The VPC's 10.0.1.0/24 subnet (tagged "NAME-subnet", as 0.2.0 did; found by range so older ones are adopted).</summary>
    private async Task<Subnet?> FindSubnetAsync(string vpcId, string name, CancellationToken ct) =>
        (await _calls.Read(t => _ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [F("vpc-id", vpcId), F("cidr-block", SubnetCidr)] }, t), ct).ConfigureAwait(false))
        .Subnets?.FirstOrDefault();

    /// <summary>The gateway attached to the VPC, else a detached one tagged "NAME-igw" left by an interrupted run.</summary>
    private async Task<InternetGateway?> FindGatewayAsync(string vpcId, string name, CancellationToken ct)
    {
        var attached = await _calls.Read(t => _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = [F("attachment.vpc-id", vpcId)] }, t), ct).ConfigureAwait(false);
        if (attached.InternetGateways?.FirstOrDefault() is { } igw) return igw;
        var tagged = await _calls.Read(t => _ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = [F("tag:Name", name + "-igw")] }, t), ct).ConfigureAwait(false);
        return tagged.InternetGateways?.FirstOrDefault(g => g.Attachments is not { Count: > 0 });
    }

    private async Task<RouteTable?> FindRouteTableAsync(string vpcId, string name, CancellationToken ct) =>
        (await _calls.Read(t => _ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [F("vpc-id", vpcId), F("tag:Name", name + "-rtb")] }, t), ct).ConfigureAwait(false))
        .RouteTables?.FirstOrDefault();
}
