using System.Xml.Linq;
using static Nvoi.Sandbox.Aws.Ec2Xml;

namespace Nvoi.Sandbox.Aws;

public sealed partial class Ec2Emulator
{
    private XElement[] CreateSecurityGroup(Ec2Request r)
    {
        var name = r.Required("GroupName");
        var description = r.Required("GroupDescription");
        var vpcId = r.Get("VpcId") ?? _state.Vpcs.Values.FirstOrDefault(v => v.IsDefault)?.Id
            ?? throw new Ec2Error(400, "VPCIdNotSpecified", "No default VPC for this user");
        Lookup(_state.Vpcs, vpcId, "InvalidVpcID.NotFound", "vpc");
        if (_state.SecurityGroups.Values.Any(g => g.VpcId == vpcId && g.GroupName == name))
            throw new Ec2Error(400, "InvalidGroup.Duplicate", $"The security group '{name}' already exists for VPC '{vpcId}'");
        var group = new SecurityGroup { Id = NewId("sg"), GroupName = name, Description = description, VpcId = vpcId };
        group.Egress.Add(new Permission("-1", null, null, "0.0.0.0/0"));
        ApplyTags(r, group, "security-group");
        _state.SecurityGroups[group.Id] = group;
        return [E("return", "true"), E("groupId", group.Id), group.Tags.Count > 0 ? TagSet(group.Tags) : null!];
    }

    private XElement[] DescribeSecurityGroups(Ec2Request r)
    {
        var ids = r.List("GroupId");
        foreach (var id in ids) Lookup(_state.SecurityGroups, id, "InvalidGroup.NotFound", "security group");
        var names = r.List("GroupName");
        var items = _state.SecurityGroups.Values.Where(g => (ids.Count == 0 || ids.Contains(g.Id)) && (names.Count == 0 || names.Contains(g.GroupName)));
        items = Filter(r, items, (g, f) => f switch
        {
            "group-id" => [g.Id], "group-name" => [g.GroupName], "vpc-id" => [g.VpcId], "description" => [g.Description],
            _ => TagFilter(g, f),
        });
        return [Set("securityGroupInfo", items.Select(g => Ec2Xml.SecurityGroup(g)))];
    }

    private XElement[] AuthorizeSecurityGroupIngress(Ec2Request r)
    {
        var group = Lookup(_state.SecurityGroups, r.Required("GroupId"), "InvalidGroup.NotFound", "security group");
        var rules = new List<Permission>();
        if (r.Get("IpProtocol") is { } protocol)
            rules.Add(new Permission(protocol, r.Int("FromPort"), r.Int("ToPort"), r.Get("CidrIp") ?? "0.0.0.0/0"));
        foreach (var i in r.Indexes("IpPermissions"))
        {
            var p = r.Get($"IpPermissions.{i}.IpProtocol") ?? throw new Ec2Error(400, "MissingParameter", "The request must contain the parameter ipProtocol");
            foreach (var j in r.Indexes($"IpPermissions.{i}.IpRanges"))
                rules.Add(new Permission(p, r.Int($"IpPermissions.{i}.FromPort"), r.Int($"IpPermissions.{i}.ToPort"),
                    r.Required($"IpPermissions.{i}.IpRanges.{j}.CidrIp")));
        }
        if (rules.Count == 0) throw new Ec2Error(400, "MissingParameter", "The request must contain the parameter ipPermissions");
        foreach (var rule in rules)
        {
            if (group.Ingress.Contains(rule))
                throw new Ec2Error(400, "InvalidPermission.Duplicate", $"the specified rule \"peer: {rule.Cidr}, {rule.Protocol.ToUpperInvariant()}, from port: {rule.FromPort}, to port: {rule.ToPort}, ALLOW\" already exists");
        }
        group.Ingress.AddRange(rules);
        return Return(Set("securityGroupRuleSet", rules.Select(x => Item(E("securityGroupRuleId", NewId("sgr")), E("groupId", group.Id),
            E("isEgress", false), E("ipProtocol", x.Protocol), Opt("fromPort", x.FromPort), Opt("toPort", x.ToPort), E("cidrIpv4", x.Cidr)))));
    }

    private XElement[] DeleteSecurityGroup(Ec2Request r)
    {
        var group = Lookup(_state.SecurityGroups, r.Required("GroupId"), "InvalidGroup.NotFound", "security group");
        if (group.GroupName == "default")
            throw new Ec2Error(400, "CannotDelete", "the specified group: \"" + group.Id + "\" name: \"default\" cannot be deleted by a user");
        if (_state.Instances.Values.Any(i => i.SecurityGroupIds.Contains(group.Id) && InstanceState(i) != "terminated"))
            throw new Ec2Error(400, "DependencyViolation", $"resource {group.Id} has a dependent object");
        _state.SecurityGroups.Remove(group.Id);
        return Return(E("groupId", group.Id));
    }

    private XElement[] CreateTags(Ec2Request r)
    {
        var tags = r.Indexes("Tag").ToDictionary(i => r.Get($"Tag.{i}.Key") ?? "", i => r.Get($"Tag.{i}.Value") ?? "");
        foreach (var id in r.List("ResourceId"))
        {
            Tagged target = id.Split('-')[0] switch
            {
                "vpc" => Lookup(_state.Vpcs, id, "InvalidVpcID.NotFound", "vpc"),
                "subnet" => Lookup(_state.Subnets, id, "InvalidSubnetID.NotFound", "subnet"),
                "igw" => Lookup(_state.InternetGateways, id, "InvalidInternetGatewayID.NotFound", "internetGateway"),
                "rtb" => Lookup(_state.RouteTables, id, "InvalidRouteTableID.NotFound", "routeTable"),
                "sg" => Lookup(_state.SecurityGroups, id, "InvalidGroup.NotFound", "security group"),
                "i" => Lookup(_state.Instances, id, "InvalidInstanceID.NotFound", "instance"),
                "vol" => Lookup(_state.Volumes, id, "InvalidVolume.NotFound", "volume"),
                _ => throw new Ec2Error(400, "InvalidID", $"The ID '{id}' is not valid"),
            };
            foreach (var (k, v) in tags) target.Tags[k] = v;
        }
        return Return();
    }
}
