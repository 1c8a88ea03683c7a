using System.Text.Json.Serialization;

namespace Nvoi.Sandbox.Scaleway;

/// <summary>Everything the Scaleway emulator knows; serialised whole for persistence.</summary>
internal sealed class ScalewayState
{
    public Dictionary<string, ScwServer> Servers { get; set; } = [];
    public Dictionary<string, ScwSecurityGroup> SecurityGroups { get; set; } = [];
    public Dictionary<string, ScwPrivateNetwork> PrivateNetworks { get; set; } = [];
    public Dictionary<string, ScwPrivateNic> PrivateNics { get; set; } = [];
    public Dictionary<string, ScwVolume> Volumes { get; set; } = [];
    /// <summary>Counter behind the public addresses handed out (never reused).</summary>
    public int PublicIpCounter { get; set; }
    public int MacCounter { get; set; }
}

internal sealed class ScwServer
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Zone { get; set; } = "";
    public string Project { get; set; } = "";
    public string CommercialType { get; set; } = "";
    public string Arch { get; set; } = "x86_64";
    public string ImageId { get; set; } = "";
    public string ImageName { get; set; } = "";
    /// <summary>stopped, starting, running, stopping.</summary>
    public string State { get; set; } = "stopped";
    public DateTimeOffset? StartingSince { get; set; }
    public string PublicIpId { get; set; } = "";
    public string PublicIp { get; set; } = "";
    public string MacAddress { get; set; } = "";
    public string? SecurityGroupId { get; set; }
    public List<string> Tags { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    public string RootVolumeId { get; set; } = "";
    /// <summary>Index ("1", "2", ...) → Block volume id; "0" is the local root volume.</summary>
    public SortedDictionary<string, string> SbsVolumes { get; set; } = [];
    public Dictionary<string, string> UserData { get; set; } = [];
}

internal sealed class ScwSecurityGroup
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Zone { get; set; } = "";
    public string Project { get; set; } = "";
    public string Description { get; set; } = "";
    public bool Stateful { get; set; } = true;
    public string InboundDefaultPolicy { get; set; } = "accept";
    public string OutboundDefaultPolicy { get; set; } = "accept";
    public bool EnableDefaultSecurity { get; set; } = true;
    public List<string> Tags { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    public List<ScwRule> Rules { get; set; } = [];
}

internal sealed class ScwRule
{
    public string Id { get; set; } = "";
    public string Protocol { get; set; } = "TCP";
    public string Direction { get; set; } = "inbound";
    public string Action { get; set; } = "accept";
    public string IpRange { get; set; } = "0.0.0.0/0";
    public int? DestPortFrom { get; set; }
    public int? DestPortTo { get; set; }
    public int Position { get; set; }
    public bool Editable { get; set; } = true;
}

internal sealed class ScwPrivateNetwork
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Region { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string VpcId { get; set; } = "";
    public string SubnetId { get; set; } = "";
    public string Subnet { get; set; } = "";
    public List<string> Tags { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Last host number handed out in the subnet (.1 is the gateway).</summary>
    public int LastHost { get; set; } = 1;
}

internal sealed class ScwPrivateNic
{
    public string Id { get; set; } = "";
    public string ServerId { get; set; } = "";
    public string PrivateNetworkId { get; set; } = "";
    public string Zone { get; set; } = "";
    public string MacAddress { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The IPAM address (CIDR form) reserved for this NIC.</summary>
    public string IpamId { get; set; } = "";
    public string Address { get; set; } = "";
}

internal sealed class ScwVolume
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Zone { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public long Size { get; set; }
    public long PerfIops { get; set; } = 5000;
    /// <summary>available or in_use.</summary>
    public string Status { get; set; } = "available";
    public string? ServerId { get; set; }
    public string? ReferenceId { get; set; }
    public DateTimeOffset? AttachedAt { get; set; }
    public DateTimeOffset? LastDetachedAt { get; set; }
    public List<string> Tags { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

[JsonSerializable(typeof(ScalewayState))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class ScalewayStateJson : JsonSerializerContext;

/// <summary>The fixed part of the emulated world: zones, Instance types, public images.</summary>
internal static class ScalewayCatalog
{
    public static readonly string[] Zones =
        ["fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3", "pl-waw-1", "pl-waw-2", "pl-waw-3"];

    public static bool IsZone(string zone) => Zones.Contains(zone);
    public static bool IsRegion(string region) => Zones.Any(z => z.StartsWith(region + "-", StringComparison.Ordinal));

    internal sealed record ServerType(string Name, int Cpus, long RamBytes, double HourlyPrice, string Arch, string Volume);

    private const long GiB = 1L << 30;

    public static readonly ServerType[] ServerTypes =
    [
        new("DEV1-S", 2, 2 * GiB, 0.0088, "x86_64", "l_ssd"),
        new("DEV1-M", 3, 4 * GiB, 0.0198, "x86_64", "l_ssd"),
        new("DEV1-L", 4, 8 * GiB, 0.042, "x86_64", "l_ssd"),
        new("DEV1-XL", 4, 12 * GiB, 0.063, "x86_64", "l_ssd"),
        new("PLAY2-PICO", 1, 2 * GiB, 0.014, "x86_64", "sbs_volume"),
        new("PLAY2-NANO", 2, 4 * GiB, 0.027, "x86_64", "sbs_volume"),
        new("PLAY2-MICRO", 4, 8 * GiB, 0.054, "x86_64", "sbs_volume"),
        new("PRO2-XXS", 2, 8 * GiB, 0.055, "x86_64", "sbs_volume"),
        new("PRO2-XS", 4, 16 * GiB, 0.11, "x86_64", "sbs_volume"),
        new("GP1-XS", 4, 16 * GiB, 0.091, "x86_64", "l_ssd"),
        new("COPARM1-2C-8G", 2, 8 * GiB, 0.0426, "arm64", "sbs_volume"),
        new("COPARM1-4C-16G", 4, 16 * GiB, 0.0857, "arm64", "sbs_volume"),
    ];

    public static ServerType? FindType(string name) => ServerTypes.FirstOrDefault(t => t.Name == name);

    internal sealed record Image(string Id, string Label, string Name, string Arch);

    /// <summary>Public images per label and architecture (ids are stable so tests can name them).</summary>
    public static readonly Image[] Images =
    [
        new("5b3ab1c1-1f0a-4c4e-9a2e-4c1b0c7e0a01", "ubuntu_noble", "Ubuntu 24.04 Noble Numbat", "x86_64"),
        new("5b3ab1c1-1f0a-4c4e-9a2e-4c1b0c7e0a02", "ubuntu_noble", "Ubuntu 24.04 Noble Numbat", "arm64"),
        new("5b3ab1c1-1f0a-4c4e-9a2e-4c1b0c7e0a03", "ubuntu_jammy", "Ubuntu 22.04 Jammy Jellyfish", "x86_64"),
        new("5b3ab1c1-1f0a-4c4e-9a2e-4c1b0c7e0a04", "ubuntu_jammy", "Ubuntu 22.04 Jammy Jellyfish", "arm64"),
        new("5b3ab1c1-1f0a-4c4e-9a2e-4c1b0c7e0a05", "debian_bookworm", "Debian 12 Bookworm", "x86_64"),
        new("5b3ab1c1-1f0a-4c4e-9a2e-4c1b0c7e0a06", "debian_bookworm", "Debian 12 Bookworm", "arm64"),
    ];

    /// <summary>An image given by id, or by label for the architecture of the Instance type.</summary>
    public static Image? ResolveImage(string idOrLabel, string arch) =>
        Images.FirstOrDefault(i => i.Id == idOrLabel) ??
        Images.FirstOrDefault(i => i.Label == idOrLabel && i.Arch == arch);
}
