using System.Xml.Linq;
using static Nvoi.Sandbox.Aws.Ec2Xml;

namespace Nvoi.Sandbox.Aws;

public sealed partial class Ec2Emulator
{
    private XElement[] CreateVpc(Ec2Request r)
    {
        var cidr = r.Required("CidrBlock");
        if (!cidr.EndsWith("/16") && !cidr.EndsWith("/24") && !cidr.EndsWith("/20"))
            throw new Ec2Error(400, "InvalidVpc.Range", $"The CIDR '{cidr}' is invalid.");
        var vpc = AddVpc(cidr, r.Region, isDefault: false);
        ApplyTags(r, vpc, "vpc");
        return [Vpc(vpc, "vpc")];
    }

    /// <summary>A VPC with, like on EC2, its main route table and "default" security group.</summary>
    private Vpc AddVpc(string cidr, string region, bool isDefault)
    {
        var vpc = new Vpc { Id = NewId("vpc"), CidrBlock = cidr, Region = region, IsDefault = isDefault };
        _state.Vpcs[vpc.Id] = vpc;
        // Like EC2: every VPC comes with a main route table and a "default" security group.
        var main = new RouteTable { Id = NewId("rtb"), VpcId = vpc.Id, Main = true };
        _state.RouteTables[main.Id] = main;
        var sg = new SecurityGroup { Id = NewId("sg"), GroupName = "default", Description = "default VPC security group", VpcId = vpc.Id };
        sg.Egress.Add(new Permission("-1", null, null, "0.0.0.0/0"));
        _state.SecurityGroups[sg.Id] = sg;
        return vpc;
    }

    private XElement[] DescribeVpcs(Ec2Request r)
    {
        var ids = r.List("VpcId");
        foreach (var id in ids) Lookup(_state.Vpcs, id, "InvalidVpcID.NotFound", "vpc");
        var items = _state.Vpcs.Values.Where(v => ids.Count == 0 || ids.Contains(v.Id));
        items = Filter(r, items, (v, f) => f switch
        {
            "vpc-id" => [v.Id], "cidr" or "cidr-block" => [v.CidrBlock], "state" => ["available"], "is-default" => [v.IsDefault ? "true" : "false"],
            _ => TagFilter(v, f),
        });
        return [Set("vpcSet", items.Select(v => Vpc(v)))];
    }

    private XElement[] DeleteVpc(Ec2Request r)
    {
        var vpc = Lookup(_state.Vpcs, r.Required("VpcId"), "InvalidVpcID.NotFound", "vpc");
        var blocked = _state.Subnets.Values.Any(s => s.VpcId == vpc.Id)
            || _state.InternetGateways.Values.Any(g => g.VpcId == vpc.Id)
            || _state.RouteTables.Values.Any(t => t.VpcId == vpc.Id && !t.Main)
            || _state.SecurityGroups.Values.Any(g => g.VpcId == vpc.Id && g.GroupName != "default");
        if (blocked)
            throw new Ec2Error(400, "DependencyViolation", $"The vpc '{vpc.Id}' has dependencies and cannot be deleted.");
        _state.Vpcs.Remove(vpc.Id);
        foreach (var t in _state.RouteTables.Values.Where(t => t.VpcId == vpc.Id).ToList()) _state.RouteTables.Remove(t.Id);
        foreach (var g in _state.SecurityGroups.Values.Where(g => g.VpcId == vpc.Id).ToList()) _state.SecurityGroups.Remove(g.Id);
        return Return();
    }

    private XElement[] CreateSubnet(Ec2Request r)
    {
        var vpc = Lookup(_state.Vpcs, r.Required("VpcId"), "InvalidVpcID.NotFound", "vpc");
        var cidr = r.Required("CidrBlock");
        if (!cidr.StartsWith(vpc.CidrBlock.Split('.')[0] + "." + vpc.CidrBlock.Split('.')[1] + ".", StringComparison.Ordinal))
            throw new Ec2Error(400, "InvalidSubnet.Range", $"The CIDR '{cidr}' is invalid.");
        if (_state.Subnets.Values.Any(s => s.VpcId == vpc.Id && s.CidrBlock == cidr))
            throw new Ec2Error(400, "InvalidSubnet.Conflict", $"The CIDR '{cidr}' conflicts with another subnet");
        var zone = r.Get("AvailabilityZone") ?? r.Region + "a";
        if (Region(zone) != r.Region || zone[^1] is < 'a' or > 'c')
            throw new Ec2Error(400, "InvalidParameterValue", $"Value ({zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {r.Region}a, {r.Region}b, {r.Region}c.");
        var subnet = new Subnet { Id = NewId("subnet"), VpcId = vpc.Id, CidrBlock = cidr, AvailabilityZone = zone };
        ApplyTags(r, subnet, "subnet");
        _state.Subnets[subnet.Id] = subnet;
        return [Subnet(subnet, 251, "subnet")];
    }

    private XElement[] DescribeSubnets(Ec2Request r)
    {
        var ids = r.List("SubnetId");
        foreach (var id in ids) Lookup(_state.Subnets, id, "InvalidSubnetID.NotFound", "subnet");
        var items = Filter(r, _state.Subnets.Values.Where(s => ids.Count == 0 || ids.Contains(s.Id)), (s, f) => f switch
        {
            "subnet-id" => [s.Id], "vpc-id" => [s.VpcId], "cidr-block" => [s.CidrBlock], "availability-zone" => [s.AvailabilityZone],
            "state" => ["available"], _ => TagFilter(s, f),
        });
        return [Set("subnetSet", items.Select(s => Subnet(s, 251 - _state.Instances.Values.Count(i => i.SubnetId == s.Id && i.TerminatedAt is null))))];
    }

    private XElement[] ModifySubnetAttribute(Ec2Request r)
    {
        var subnet = Lookup(_state.Subnets, r.Required("SubnetId"), "InvalidSubnetID.NotFound", "subnet");
        if (r.Bool("MapPublicIpOnLaunch.Value") is { } map) subnet.MapPublicIpOnLaunch = map;
        return Return();
    }

    private XElement[] DeleteSubnet(Ec2Request r)
    {
        var subnet = Lookup(_state.Subnets, r.Required("SubnetId"), "InvalidSubnetID.NotFound", "subnet");
        if (_state.Instances.Values.Any(i => i.SubnetId == subnet.Id && InstanceState(i) != "terminated"))
            throw new Ec2Error(400, "DependencyViolation", $"The subnet '{subnet.Id}' has dependencies and cannot be deleted.");
        _state.Subnets.Remove(subnet.Id);
        foreach (var t in _state.RouteTables.Values) t.Associations.RemoveAll(a => a.SubnetId == subnet.Id);
        return Return();
    }

    private XElement[] CreateInternetGateway(Ec2Request r)
    {
        var igw = new InternetGateway { Id = NewId("igw") };
        ApplyTags(r, igw, "internet-gateway");
        _state.InternetGateways[igw.Id] = igw;
        return [InternetGateway(igw, "internetGateway")];
    }

    private XElement[] DescribeInternetGateways(Ec2Request r)
    {
        var ids = r.List("InternetGatewayId");
        foreach (var id in ids) Lookup(_state.InternetGateways, id, "InvalidInternetGatewayID.NotFound", "internetGateway");
        var items = Filter(r, _state.InternetGateways.Values.Where(g => ids.Count == 0 || ids.Contains(g.Id)), (g, f) => f switch
        {
            "internet-gateway-id" => [g.Id], "attachment.vpc-id" => [g.VpcId], "attachment.state" => [g.VpcId is null ? null : "available"],
            _ => TagFilter(g, f),
        });
        return [Set("internetGatewaySet", items.Select(g => InternetGateway(g)))];
    }

    private XElement[] AttachInternetGateway(Ec2Request r)
    {
        var igw = Lookup(_state.InternetGateways, r.Required("InternetGatewayId"), "InvalidInternetGatewayID.NotFound", "internetGateway");
        var vpc = Lookup(_state.Vpcs, r.Required("VpcId"), "InvalidVpcID.NotFound", "vpc");
        if (igw.VpcId is not null)
            throw new Ec2Error(400, "Resource.AlreadyAssociated", $"resource {igw.Id} is already attached to network {igw.VpcId}");
        if (_state.InternetGateways.Values.Any(g => g.VpcId == vpc.Id))
            throw new Ec2Error(400, "InvalidParameterValue", $"Network {vpc.Id} already has an internet gateway attached");
        igw.VpcId = vpc.Id;
        return Return();
    }

    private XElement[] DetachInternetGateway(Ec2Request r)
    {
        var igw = Lookup(_state.InternetGateways, r.Required("InternetGatewayId"), "InvalidInternetGatewayID.NotFound", "internetGateway");
        var vpcId = r.Required("VpcId");
        if (igw.VpcId != vpcId)
            throw new Ec2Error(400, "Gateway.NotAttached", $"resource {igw.Id} is not attached to network {vpcId}");
        if (_state.Instances.Values.Any(i => i.VpcId == vpcId && i.PublicIp is not null && InstanceState(i) != "terminated"))
            throw new Ec2Error(400, "DependencyViolation", $"Network {vpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.");
        igw.VpcId = null;
        return Return();
    }

    private XElement[] DeleteInternetGateway(Ec2Request r)
    {
        var igw = Lookup(_state.InternetGateways, r.Required("InternetGatewayId"), "InvalidInternetGatewayID.NotFound", "internetGateway");
        if (igw.VpcId is not null)
            throw new Ec2Error(400, "DependencyViolation", $"The internetGateway '{igw.Id}' has dependencies and cannot be deleted.");
        _state.InternetGateways.Remove(igw.Id);
        return Return();
    }

    private XElement[] CreateRouteTable(Ec2Request r)
    {
        var vpc = Lookup(_state.Vpcs, r.Required("VpcId"), "InvalidVpcID.NotFound", "vpc");
        var table = new RouteTable { Id = NewId("rtb"), VpcId = vpc.Id };
        ApplyTags(r, table, "route-table");
        _state.RouteTables[table.Id] = table;
        return [RouteTable(table, "routeTable")];
    }

    private XElement[] DescribeRouteTables(Ec2Request r)
    {
        var ids = r.List("RouteTableId");
        foreach (var id in ids) Lookup(_state.RouteTables, id, "InvalidRouteTableID.NotFound", "routeTable");
        var items = Filter(r, _state.RouteTables.Values.Where(t => ids.Count == 0 || ids.Contains(t.Id)), (t, f) => f switch
        {
            "route-table-id" => [t.Id], "vpc-id" => [t.VpcId], "association.main" => [t.Main ? "true" : "false"],
            "association.subnet-id" => t.Associations.Select(a => (string?)a.SubnetId),
            _ => TagFilter(t, f),
        });
        return [Set("routeTableSet", items.Select(t => RouteTable(t)))];
    }

    private XElement[] CreateRoute(Ec2Request r)
    {
        var table = Lookup(_state.RouteTables, r.Required("RouteTableId"), "InvalidRouteTableID.NotFound", "routeTable");
        var destination = r.Required("DestinationCidrBlock");
        var gateway = r.Required("GatewayId");
        var igw = Lookup(_state.InternetGateways, gateway, "InvalidInternetGatewayID.NotFound", "internetGateway");
        if (igw.VpcId != table.VpcId)
            throw new Ec2Error(400, "InvalidParameterValue", $"route table {table.Id} and network gateway {igw.Id} belong to different networks");
        if (table.Routes.Any(x => x.DestinationCidrBlock == destination))
            throw new Ec2Error(400, "RouteAlreadyExists", $"The route identified by {destination} already exists.");
        table.Routes.Add(new Route(destination, gateway));
        return Return();
    }

    private XElement[] AssociateRouteTable(Ec2Request r)
    {
        var table = Lookup(_state.RouteTables, r.Required("RouteTableId"), "InvalidRouteTableID.NotFound", "routeTable");
        var subnet = Lookup(_state.Subnets, r.Required("SubnetId"), "InvalidSubnetID.NotFound", "subnet");
        if (_state.RouteTables.Values.Any(t => t.Associations.Any(a => a.SubnetId == subnet.Id)))
            throw new Ec2Error(400, "Resource.AlreadyAssociated", $"the specified association for route table {table.Id} conflicts with an existing association");
        var association = new RouteAssociation(NewId("rtbassoc"), subnet.Id);
        table.Associations.Add(association);
        return [E("associationId", association.Id), E("associationState", E("state", "associated"))];
    }

    private XElement[] DisassociateRouteTable(Ec2Request r)
    {
        var id = r.Required("AssociationId");
        var table = _state.RouteTables.Values.FirstOrDefault(t => t.Associations.Any(a => a.Id == id))
            ?? throw NotFound("InvalidAssociationID.NotFound", $"The association ID '{id}' does not exist");
        table.Associations.RemoveAll(a => a.Id == id);
        return Return();
    }

    private XElement[] DeleteRouteTable(Ec2Request r)
    {
        var table = Lookup(_state.RouteTables, r.Required("RouteTableId"), "InvalidRouteTableID.NotFound", "routeTable");
        if (table.Main || table.Associations.Count > 0)
            throw new Ec2Error(400, "DependencyViolation", $"The routeTable '{table.Id}' has dependencies and cannot be deleted.");
        _state.RouteTables.Remove(table.Id);
        return Return();
    }
}
