namespace Nvoi.Sandbox.Aws;

/// <summary>Everything the EC2 emulator knows; serialised as JSON for persistence.</summary>
internal sealed class Ec2State
{
    public Dictionary<string, Vpc> Vpcs { get; set; } = [];
    public Dictionary<string, Subnet> Subnets { get; set; } = [];
    public Dictionary<string, InternetGateway> InternetGateways { get; set; } = [];
    public Dictionary<string, RouteTable> RouteTables { get; set; } = [];
    public Dictionary<string, SecurityGroup> SecurityGroups { get; set; } = [];
    public Dictionary<string, Instance> Instances { get; set; } = [];
    public Dictionary<string, Volume> Volumes { get; set; } = [];
    /// <summary>RunInstances/CreateVolume idempotency: client token → resource id.</summary>
    public Dictionary<string, string> ClientTokens { get; set; } = [];
    public int NextPrivateHost { get; set; } = 10;
}

internal abstract class Tagged
{
    public Dictionary<string, string> Tags { get; set; } = [];
    public string? Name => Tags.GetValueOrDefault("Name");
}

internal sealed class Vpc : Tagged
{
    public required string Id { get; set; }
    public required string CidrBlock { get; set; }
    public required string Region { get; set; }
    public bool IsDefault { get; set; }
}

internal sealed class Subnet : Tagged
{
    public required string Id { get; set; }
    public required string VpcId { get; set; }
    public required string CidrBlock { get; set; }
    public required string AvailabilityZone { get; set; }
    public bool MapPublicIpOnLaunch { get; set; }
}

internal sealed class InternetGateway : Tagged
{
    public required string Id { get; set; }
    public string? VpcId { get; set; }
}

internal sealed class RouteTable : Tagged
{
    public required string Id { get; set; }
    public required string VpcId { get; set; }
    public bool Main { get; set; }
    public List<Route> Routes { get; set; } = [];
    public List<RouteAssociation> Associations { get; set; } = [];
}

internal sealed record Route(string DestinationCidrBlock, string GatewayId);

internal sealed record RouteAssociation(string Id, string SubnetId);

internal sealed class SecurityGroup : Tagged
{
    public required string Id { get; set; }
    public required string GroupName { get; set; }
    public required string Description { get; set; }
    public required string VpcId { get; set; }
    public List<Permission> Ingress { get; set; } = [];
    public List<Permission> Egress { get; set; } = [];
}

internal sealed record Permission(string Protocol, int? FromPort, int? ToPort, string Cidr);

internal sealed class Instance : Tagged
{
    public required string Id { get; set; }
    public required string ReservationId { get; set; }
    public required string ImageId { get; set; }
    public required string InstanceType { get; set; }
    public required string Architecture { get; set; }
    public required string SubnetId { get; set; }
    public required string VpcId { get; set; }
    public required string AvailabilityZone { get; set; }
    public List<string> SecurityGroupIds { get; set; } = [];
    public required string PrivateIp { get; set; }
    public string? PublicIp { get; set; }
    public string? UserData { get; set; }
    public string? ClientToken { get; set; }
    public required string RootVolumeId { get; set; }
    public DateTimeOffset LaunchTime { get; set; }
    public DateTimeOffset? TerminatedAt { get; set; }
}

internal sealed class Volume : Tagged
{
    public required string Id { get; set; }
    public int Size { get; set; }
    public required string AvailabilityZone { get; set; }
    public required string VolumeType { get; set; }
    public DateTimeOffset CreateTime { get; set; }
    public string? InstanceId { get; set; }
    public string? Device { get; set; }
    public DateTimeOffset? AttachTime { get; set; }
    public string? ClientToken { get; set; }
}
