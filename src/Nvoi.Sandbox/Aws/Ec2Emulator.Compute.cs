using System.Xml.Linq;
using static Nvoi.Sandbox.Aws.Ec2Xml;

namespace Nvoi.Sandbox.Aws;

public sealed partial class Ec2Emulator
{
    private XElement[] DescribeRegions(Ec2Request r)
    {
        var names = r.List("RegionName");
        foreach (var n in names)
            if (!Ec2Catalogue.Regions.Contains(n))
                throw new Ec2Error(400, "InvalidParameterValue", $"Invalid region: {n}");
        var regions = Ec2Catalogue.Regions.Where(n => names.Count == 0 || names.Contains(n));
        regions = Filter(r, regions, (n, f) => f switch { "region-name" => [n], "opt-in-status" => ["opt-in-not-required"], _ => null });
        return [Set("regionInfo", regions.Select(n => Item(E("regionName", n), E("regionEndpoint", $"ec2.{n}.amazonaws.com"),
            E("optInStatus", "opt-in-not-required"))))];
    }

    private XElement[] DescribeAvailabilityZones(Ec2Request r)
    {
        var zones = "abc".Select(c => r.Region + c);
        zones = Filter(r, zones, (z, f) => f switch { "zone-name" => [z], "region-name" => [r.Region], "state" => ["available"], _ => null });
        return [Set("availabilityZoneInfo", zones.Select(z => Item(E("zoneName", z), E("zoneState", "available"),
            E("regionName", r.Region), E("zoneId", ZoneId(z)), E("zoneType", "availability-zone"), Set("messageSet", []))))];
    }

    private XElement[] DescribeInstanceTypes(Ec2Request r)
    {
        var names = r.List("InstanceType");
        var unknown = names.Where(n => Ec2Catalogue.InstanceTypes.All(t => t.Name != n)).ToList();
        if (unknown.Count > 0)
            throw new Ec2Error(400, "InvalidInstanceType", $"The following supplied instance types do not exist: [{string.Join(", ", unknown)}]");
        var types = Ec2Catalogue.InstanceTypes.Where(t => names.Count == 0 || names.Contains(t.Name));
        types = Filter(r, types, (t, f) => f switch
        {
            "instance-type" => [t.Name], "processor-info.supported-architecture" => [t.Architecture],
            "current-generation" => ["true"], "hypervisor" => [t.Hypervisor], _ => null,
        });
        var (page, next) = Paginate(r, types.ToList(), 5, 100, 100);
        return [Set("instanceTypeSet", page.Select(InstanceType)), Opt("nextToken", next)!];
    }

    private XElement[] DescribeImages(Ec2Request r)
    {
        var owners = r.List("Owner");
        var ids = r.List("ImageId");
        var images = Ec2Catalogue.Images.Where(i => (owners.Count == 0 || owners.Contains(i.OwnerId)) && (ids.Count == 0 || ids.Contains(i.Id)));
        images = Filter(r, images, (i, f) => f switch
        {
            "name" => [i.Name], "owner-id" => [i.OwnerId], "architecture" => [i.Architecture], "state" => ["available"],
            "image-id" => [i.Id], "root-device-type" => ["ebs"], "virtualization-type" => ["hvm"], _ => null,
        });
        return [Set("imagesSet", images.Select(Image))];
    }

    /// <summary>pending → running after ServerBootTime; shutting-down → terminated after the same time.</summary>
    private string InstanceState(Instance i)
    {
        var boot = options.ServerBootTime;
        if (i.TerminatedAt is { } t) return Now >= t + boot ? "terminated" : "shutting-down";
        return Now >= i.LaunchTime + boot ? "running" : "pending";
    }

    private XElement[] RunInstances(Ec2Request r)
    {
        var token = r.Get("ClientToken");
        if (token is not null && _state.ClientTokens.TryGetValue(token, out var existingId) && _state.Instances.TryGetValue(existingId, out var existing))
            return Reservation(existing);
        var imageId = r.Required("ImageId");
        var image = Ec2Catalogue.Images.FirstOrDefault(i => i.Id == imageId)
            ?? throw NotFound("InvalidAMIID.NotFound", $"The image id '[{imageId}]' does not exist");
        var typeName = r.Get("InstanceType") ?? "m1.small";
        var type = Ec2Catalogue.InstanceTypes.FirstOrDefault(t => t.Name == typeName)
            ?? throw new Ec2Error(400, "InvalidParameterValue", $"Invalid value '{typeName}' for InstanceType.");
        if (type.Architecture != image.Architecture)
            throw new Ec2Error(400, "InvalidParameterValue", $"The architecture '{type.Architecture}' of the specified instance type does not match the architecture '{image.Architecture}' of the specified AMI.");
        if (r.Int("MinCount") != 1 || r.Int("MaxCount") != 1)
            throw new Ec2Error(400, "InvalidParameterValue", "The emulator launches exactly one instance per call (MinCount=MaxCount=1).");
        var subnetId = r.Get("SubnetId") ?? throw new Ec2Error(400, "MissingInput", "No subnets found for the default VPC. Please specify a subnet.");
        var subnet = Lookup(_state.Subnets, subnetId, "InvalidSubnetID.NotFound", "subnet");
        var groups = r.List("SecurityGroupId");
        foreach (var g in groups)
        {
            var group = Lookup(_state.SecurityGroups, g, "InvalidGroup.NotFound", "security group");
            if (group.VpcId != subnet.VpcId)
                throw new Ec2Error(400, "InvalidParameter", $"Security group {g} and subnet {subnet.Id} belong to different networks.");
        }
        if (groups.Count == 0)
            groups.Add(_state.SecurityGroups.Values.First(g => g.VpcId == subnet.VpcId && g.GroupName == "default").Id);
        var userData = r.Get("UserData");
        if (userData is not null)
        {
            try { Convert.FromBase64String(userData); }
            catch (FormatException) { throw new Ec2Error(400, "InvalidParameterValue", "Invalid BASE64 encoding of user data."); }
        }
        var host = _state.NextPrivateHost++;
        var prefix = string.Join('.', subnet.CidrBlock.Split('/')[0].Split('.').Take(3));
        var instance = new Instance
        {
            Id = NewId("i"), ReservationId = NewId("r"), ImageId = image.Id, InstanceType = type.Name, Architecture = type.Architecture,
            SubnetId = subnet.Id, VpcId = subnet.VpcId, AvailabilityZone = subnet.AvailabilityZone, SecurityGroupIds = groups,
            PrivateIp = $"{prefix}.{host % 250 + 4}", PublicIp = subnet.MapPublicIpOnLaunch ? PublicIp() : null,
            UserData = userData, ClientToken = token, RootVolumeId = NewId("vol"), LaunchTime = Now,
        };
        ApplyTags(r, instance, "instance");
        _state.Instances[instance.Id] = instance;
        if (token is not null) _state.ClientTokens[token] = instance.Id;
        return Reservation(instance);
    }

    private string PublicIp()
    {
        var random = Random.Shared;
        string ip;
        do ip = $"{(random.Next(2) == 0 ? 3 : 54)}.{random.Next(16, 240)}.{random.Next(0, 255)}.{random.Next(1, 254)}";
        while (_state.Instances.Values.Any(i => i.PublicIp == ip));
        return ip;
    }

    private XElement[] Reservation(Instance i) =>
        [E("reservationId", i.ReservationId), E("ownerId", Ec2Catalogue.AccountId), Set("groupSet", []),
         Set("instancesSet", [Instance(i, InstanceState(i), _state)])];

    private XElement[] DescribeInstances(Ec2Request r)
    {
        var ids = r.List("InstanceId");
        if (ids.Count > 0 && r.Get("MaxResults") is not null)
            throw new Ec2Error(400, "InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
        var missing = ids.Where(id => !_state.Instances.ContainsKey(id)).ToList();
        if (missing.Count > 0)
            throw NotFound("InvalidInstanceID.NotFound", $"The instance ID{(missing.Count > 1 ? "s" : "")} '{string.Join(", ", missing)}' do{(missing.Count > 1 ? "" : "es")} not exist");
        var items = _state.Instances.Values.Where(i => ids.Count == 0 || ids.Contains(i.Id)).Select(i => (i, state: InstanceState(i)));
        items = Filter(r, items, (x, f) => f switch
        {
            "instance-id" => [x.i.Id], "instance-state-name" => [x.state], "vpc-id" => [x.i.VpcId], "subnet-id" => [x.i.SubnetId],
            "instance-type" => [x.i.InstanceType], "availability-zone" => [x.i.AvailabilityZone],
            "private-ip-address" => [x.i.PrivateIp], "ip-address" => [x.i.PublicIp],
            _ => TagFilter(x.i, f),
        });
        var (page, next) = Paginate(r, items.ToList(), 5, 1000, null);
        var reservations = page.Select(x => Item(E("reservationId", x.i.ReservationId), E("ownerId", Ec2Catalogue.AccountId),
            Set("groupSet", []), Set("instancesSet", [Instance(x.i, x.state, _state)])));
        return [Set("reservationSet", reservations), Opt("nextToken", next)!];
    }

    private XElement[] TerminateInstances(Ec2Request r)
    {
        var ids = r.List("InstanceId");
        if (ids.Count == 0) throw new Ec2Error(400, "MissingParameter", "The request must contain the parameter InstanceId");
        var instances = ids.Select(id => Lookup(_state.Instances, id, "InvalidInstanceID.NotFound", "instance")).ToList();
        var items = new List<XElement>();
        foreach (var i in instances)
        {
            var previous = InstanceState(i);
            i.TerminatedAt ??= Now;
            foreach (var v in _state.Volumes.Values.Where(v => v.InstanceId == i.Id))
                (v.InstanceId, v.Device, v.AttachTime) = (null, null, null);
            items.Add(Item(E("instanceId", i.Id), State("currentState", InstanceState(i)), State("previousState", previous)));
        }
        return [Set("instancesSet", items)];
    }
}
