using System.Globalization;
using System.Xml.Linq;

namespace Nvoi.Sandbox.Aws;

/// <summary>Builds EC2 response elements in the 2016-11-15 namespace.</summary>
internal static class Ec2Xml
{
    public static readonly XNamespace Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

    public static XElement E(string name, params object?[] content) => new(Ns + name, content.Where(c => c is not null));

    public static XElement? Opt(string name, object? value) => value is null ? null : E(name, Format(value));

    public static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static XElement Set(string name, IEnumerable<XElement> items) => E(name, items.ToArray());

    public static XElement Item(params object?[] content) => E("item", content);

    public static XElement TagSet(Dictionary<string, string> tags) =>
        Set("tagSet", tags.Select(t => Item(E("key", t.Key), E("value", t.Value))));

    public static XElement Vpc(Vpc v, string element = "item") => E(element,
        E("vpcId", v.Id), E("ownerId", Ec2Catalogue.AccountId), E("state", "available"), E("cidrBlock", v.CidrBlock),
        Set("cidrBlockAssociationSet", [Item(E("associationId", "vpc-cidr-assoc-" + v.Id[4..]), E("cidrBlock", v.CidrBlock),
            E("cidrBlockState", E("state", "associated")))]),
        E("dhcpOptionsId", "dopt-0c1d2e3f4a5b6c7d8"), E("instanceTenancy", "default"), E("isDefault", v.IsDefault), TagSet(v.Tags));

    public static XElement Subnet(Subnet s, int available, string element = "item") => E(element,
        E("subnetId", s.Id), E("subnetArn", $"arn:aws:ec2:{Region(s.AvailabilityZone)}:{Ec2Catalogue.AccountId}:subnet/{s.Id}"),
        E("state", "available"), E("ownerId", Ec2Catalogue.AccountId), E("vpcId", s.VpcId), E("cidrBlock", s.CidrBlock),
        E("availableIpAddressCount", available), E("availabilityZone", s.AvailabilityZone),
        E("availabilityZoneId", ZoneId(s.AvailabilityZone)), E("defaultForAz", false),
        E("mapPublicIpOnLaunch", s.MapPublicIpOnLaunch), E("assignIpv6AddressOnCreation", false), TagSet(s.Tags));

    public static XElement InternetGateway(InternetGateway g, string element = "item") => E(element,
        E("internetGatewayId", g.Id), E("ownerId", Ec2Catalogue.AccountId),
        Set("attachmentSet", g.VpcId is null ? [] : [Item(E("vpcId", g.VpcId), E("state", "available"))]), TagSet(g.Tags));

    public static XElement RouteTable(RouteTable r, string element = "item") => E(element,
        E("routeTableId", r.Id), E("vpcId", r.VpcId), E("ownerId", Ec2Catalogue.AccountId),
        Set("routeSet", [
            Item(E("destinationCidrBlock", "10.0.0.0/16"), E("gatewayId", "local"), E("state", "active"), E("origin", "CreateRouteTable")),
            .. r.Routes.Select(x => Item(E("destinationCidrBlock", x.DestinationCidrBlock), E("gatewayId", x.GatewayId), E("state", "active"), E("origin", "CreateRoute"))),
        ]),
        Set("associationSet", [
            .. r.Main ? new[] { Item(E("routeTableAssociationId", "rtbassoc-" + r.Id[4..]), E("routeTableId", r.Id), E("main", true), E("associationState", E("state", "associated"))) } : [],
            .. r.Associations.Select(a => Item(E("routeTableAssociationId", a.Id), E("routeTableId", r.Id), E("subnetId", a.SubnetId), E("main", false), E("associationState", E("state", "associated")))),
        ]),
        Set("propagatingVgwSet", []), TagSet(r.Tags));

    public static XElement SecurityGroup(SecurityGroup g) => Item(
        E("ownerId", Ec2Catalogue.AccountId), E("groupId", g.Id), E("groupName", g.GroupName), E("groupDescription", g.Description),
        E("vpcId", g.VpcId), Set("ipPermissions", g.Ingress.Select(Permission)), Set("ipPermissionsEgress", g.Egress.Select(Permission)),
        TagSet(g.Tags));

    private static XElement Permission(Permission p) => Item(
        E("ipProtocol", p.Protocol), Opt("fromPort", p.FromPort), Opt("toPort", p.ToPort), Set("groups", []),
        Set("ipRanges", [Item(E("cidrIp", p.Cidr))]), Set("ipv6Ranges", []), Set("prefixListIds", []));

    public static (int Code, string Name) StateCode(string state) => state switch
    {
        "pending" => (0, state), "running" => (16, state), "shutting-down" => (32, state),
        "terminated" => (48, state), "stopping" => (64, state), _ => (80, state),
    };

    public static XElement State(string element, string state) =>
        E(element, E("code", StateCode(state).Code), E("name", state));

    public static XElement Instance(Instance i, string state, Ec2State world)
    {
        var groups = i.SecurityGroupIds.Select(id => Item(E("groupId", id),
            E("groupName", world.SecurityGroups.TryGetValue(id, out var g) ? g.GroupName : "")));
        var live = state != "terminated";
        var dns = "ip-" + i.PrivateIp.Replace('.', '-') + $".{Region(i.AvailabilityZone)}.compute.internal";
        var devices = new List<XElement>();
        if (live)
            devices.Add(Item(E("deviceName", "/dev/sda1"), E("ebs", E("volumeId", i.RootVolumeId), E("status", "attached"),
                E("attachTime", i.LaunchTime), E("deleteOnTermination", true))));
        foreach (var v in world.Volumes.Values.Where(v => v.InstanceId == i.Id))
            devices.Add(Item(E("deviceName", v.Device), E("ebs", E("volumeId", v.Id), E("status", "attached"),
                E("attachTime", v.AttachTime), E("deleteOnTermination", false))));
        return Item(
            E("instanceId", i.Id), E("imageId", i.ImageId), State("instanceState", state),
            E("privateDnsName", live ? dns : ""), E("dnsName", live && i.PublicIp is not null && state == "running" ? $"ec2-{i.PublicIp.Replace('.', '-')}.compute-1.amazonaws.com" : ""),
            E("reason", state == "terminated" ? "User initiated" : ""), E("amiLaunchIndex", 0), Set("productCodes", []),
            E("instanceType", i.InstanceType), E("launchTime", i.LaunchTime),
            E("placement", E("availabilityZone", i.AvailabilityZone), E("groupName", ""), E("tenancy", "default")),
            E("monitoring", E("state", "disabled")),
            live ? E("subnetId", i.SubnetId) : null, live ? E("vpcId", i.VpcId) : null,
            live ? E("privateIpAddress", i.PrivateIp) : null,
            live && state == "running" ? Opt("ipAddress", i.PublicIp) : null,
            E("sourceDestCheck", true), Set("groupSet", groups), E("architecture", i.Architecture),
            E("rootDeviceType", "ebs"), E("rootDeviceName", "/dev/sda1"), Set("blockDeviceMapping", devices),
            E("virtualizationType", "hvm"), Opt("clientToken", i.ClientToken), TagSet(i.Tags), E("hypervisor", "xen"),
            E("ebsOptimized", false), E("enaSupport", true));
    }

    public static XElement Volume(Volume v) => Item(
        E("volumeId", v.Id), E("size", v.Size), E("snapshotId", ""), E("availabilityZone", v.AvailabilityZone),
        E("status", v.InstanceId is null ? "available" : "in-use"), E("createTime", v.CreateTime),
        Set("attachmentSet", v.InstanceId is null ? [] : [Item(E("volumeId", v.Id), E("instanceId", v.InstanceId),
            E("device", v.Device), E("status", "attached"), E("attachTime", v.AttachTime), E("deleteOnTermination", false))]),
        TagSet(v.Tags), E("volumeType", v.VolumeType), E("iops", 3000), E("throughput", 125), E("encrypted", false),
        E("multiAttachEnabled", false));

    public static XElement InstanceType(Ec2Catalogue.InstanceType t) => Item(
        E("instanceType", t.Name), E("currentGeneration", true), E("freeTierEligible", t.Name is "t2.micro" or "t3.micro"),
        Set("supportedUsageClasses", [Item("on-demand"), Item("spot")]), Set("supportedRootDeviceTypes", [Item("ebs")]),
        Set("supportedVirtualizationTypes", [Item("hvm")]), E("bareMetal", false), E("hypervisor", t.Hypervisor),
        E("processorInfo", Set("supportedArchitectures", [Item(t.Architecture)]), E("sustainedClockSpeedInGhz", 2.5)),
        E("vCpuInfo", E("defaultVCpus", t.VCpus), E("defaultCores", Math.Max(1, t.VCpus / 2)), E("defaultThreadsPerCore", t.VCpus > 1 ? 2 : 1)),
        E("memoryInfo", E("sizeInMiB", t.MemoryMiB)), E("instanceStorageSupported", false),
        E("ebsInfo", E("ebsOptimizedSupport", "default"), E("encryptionSupport", "supported"),
            E("nvmeSupport", t.Hypervisor == "nitro" ? "required" : "unsupported")),
        E("networkInfo", E("networkPerformance", "Up to 5 Gigabit"), E("maximumNetworkInterfaces", 3)),
        E("burstablePerformanceSupported", t.Name.StartsWith('t')));

    public static XElement Image(Ec2Catalogue.Image i) => Item(
        E("imageId", i.Id), E("imageLocation", $"amazon/{i.Name}"), E("imageState", "available"), E("imageOwnerId", i.OwnerId),
        E("creationDate", i.CreationDate), E("isPublic", true), E("architecture", i.Architecture), E("imageType", "machine"),
        E("name", i.Name), E("description", "Canonical, Ubuntu, 24.04, " + i.Architecture + " noble image"),
        E("rootDeviceType", "ebs"), E("rootDeviceName", "/dev/sda1"), E("virtualizationType", "hvm"), E("hypervisor", "xen"),
        E("enaSupport", true), E("platformDetails", "Linux/UNIX"));

    public static string Region(string zone) => zone[..^1];

    public static string ZoneId(string zone) => $"use1-az{zone[^1] - 'a' + 1}";
}
