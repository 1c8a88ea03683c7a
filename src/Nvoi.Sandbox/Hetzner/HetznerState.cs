namespace Nvoi.Sandbox.Hetzner;

/// <summary>Everything the Hetzner emulator knows; serialised as JSON for persistence.</summary>
internal sealed class HetznerState
{
    public long NextId { get; set; } = 1_000_000;
    public long NextActionId { get; set; } = 90_000_000;
    public int NextPublicHost { get; set; } = 10;
    public List<NetworkState> Networks { get; set; } = [];
    public List<FirewallState> Firewalls { get; set; } = [];
    public List<ServerState> Servers { get; set; } = [];
    public List<VolumeState> Volumes { get; set; } = [];
    public List<ActionState> Actions { get; set; } = [];
}

internal sealed class NetworkState
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string IpRange { get; set; } = "";
    public DateTimeOffset Created { get; set; }
    public List<SubnetState> Subnets { get; set; } = [];
    public Dictionary<string, string> Labels { get; set; } = [];
}

internal sealed class SubnetState
{
    public string Type { get; set; } = "cloud";
    public string IpRange { get; set; } = "";
    public string NetworkZone { get; set; } = "eu-central";
    public string Gateway { get; set; } = "";
}

internal sealed class FirewallState
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset Created { get; set; }
    public List<FirewallRuleState> Rules { get; set; } = [];
    public List<long> AppliedToServers { get; set; } = [];
    public Dictionary<string, string> Labels { get; set; } = [];
}

internal sealed class FirewallRuleState
{
    public string Direction { get; set; } = "in";
    public string Protocol { get; set; } = "tcp";
    public string? Port { get; set; }
    public List<string> SourceIps { get; set; } = [];
    public List<string> DestinationIps { get; set; } = [];
    public string? Description { get; set; }
}

internal sealed class ServerState
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string ServerType { get; set; } = "";
    public string Location { get; set; } = "";
    public string Image { get; set; } = "";
    public string UserData { get; set; } = "";
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset RunningAt { get; set; }
    public string PublicIPv4 { get; set; } = "";
    public long PublicIPv4Id { get; set; }
    public List<PrivateNetState> PrivateNets { get; set; } = [];
    public Dictionary<string, string> Labels { get; set; } = [];
    public bool PoweredOff { get; set; }
}

internal sealed class PrivateNetState
{
    public long Network { get; set; }
    public string Ip { get; set; } = "";
    public string Mac { get; set; } = "";
}

internal sealed class VolumeState
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public int Size { get; set; }
    public string Location { get; set; } = "";
    public long? Server { get; set; }
    public string? Format { get; set; }
    public DateTimeOffset Created { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
}

internal sealed class ActionState
{
    public long Id { get; set; }
    public string Command { get; set; } = "";
    public DateTimeOffset Started { get; set; }
    public DateTimeOffset FinishAt { get; set; }
    public List<ActionResource> Resources { get; set; } = [];
}

internal sealed record ActionResource(long Id, string Type);
