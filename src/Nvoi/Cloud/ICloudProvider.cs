namespace Nvoi.Cloud;

/// <summary>
/// What deploy, delete, plan and onboard need from a compute provider. Every resource is found by
/// its name (reference §3); "not found" is <c>null</c>, never an exception. Creates are never
/// retried blindly: an adapter that lost a create's response looks the name up before trying again.
/// </summary>
public interface ICloudProvider
{
    /// <summary>hetzner, aws or scaleway.</summary>
    string Name { get; }

    // Validation and catalogue (deploy step 1, onboarding)
    Task ValidateCredentialsAsync(CancellationToken ct);
    /// <summary>Throws <see cref="CloudValidationException"/> naming the bad value and the valid ones.</summary>
    Task ValidateServerTypeAsync(string serverType, string location, CancellationToken ct);
    Task ValidateLocationAsync(string location, CancellationToken ct);
    Task<IReadOnlyList<ServerTypeInfo>> ListServerTypesAsync(CancellationToken ct);
    Task<IReadOnlyList<LocationInfo>> ListLocationsAsync(CancellationToken ct);
    /// <summary>amd64 or arm64, for the image build platform.</summary>
    Task<CpuArchitecture> GetArchitectureAsync(string serverType, CancellationToken ct);

    // Private network 10.0.0.0/16 with subnet 10.0.1.0/24
    Task<NetworkInfo?> FindNetworkAsync(string name, CancellationToken ct);
    Task<NetworkInfo> CreateNetworkAsync(string name, string location, CancellationToken ct);
    Task DeleteNetworkAsync(NetworkInfo network, CancellationToken ct);

    // Firewall: inbound TCP 22 only
    /// <summary>
    /// True when the firewall lives inside the network (an EC2 security group belongs to its VPC): it is
    /// created once the network exists. Otherwise both are created at once and the network may be null.
    /// </summary>
    bool FirewallNeedsNetwork { get; }
    Task<FirewallInfo?> FindFirewallAsync(string name, CancellationToken ct);
    Task<FirewallInfo> CreateFirewallAsync(string name, NetworkInfo? network, CancellationToken ct);
    Task DeleteFirewallAsync(FirewallInfo firewall, CancellationToken ct);

    // Servers
    Task<ServerInfo?> FindServerAsync(string name, CancellationToken ct);
    Task<IReadOnlyList<ServerInfo>> ListServersAsync(CancellationToken ct);
    /// <summary>Creates the server (Ubuntu, cloud-init user data, on the network, behind the firewall).</summary>
    Task<ServerInfo> CreateServerAsync(ServerSpec spec, CancellationToken ct);
    /// <summary>Waits (through the adapter's TimeProvider) until the server runs and has its IPs.</summary>
    Task<ServerInfo> WaitForServerRunningAsync(string serverId, TimeSpan timeout, CancellationToken ct);
    /// <summary>Detaches it from firewall and network, then deletes it. Idempotent.</summary>
    Task DeleteServerAsync(ServerInfo server, CancellationToken ct);

    // Volumes
    Task<VolumeInfo?> FindVolumeAsync(string name, CancellationToken ct);
    Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(CancellationToken ct);
    /// <summary>Creates an unformatted volume in the server's location (the host formats it).</summary>
    Task<VolumeInfo> CreateVolumeAsync(VolumeSpec spec, CancellationToken ct);
    /// <summary>Attaches and returns the volume with its device path.</summary>
    Task<VolumeInfo> AttachVolumeAsync(VolumeInfo volume, ServerInfo server, CancellationToken ct);
    Task DetachVolumeAsync(VolumeInfo volume, CancellationToken ct);
    Task DeleteVolumeAsync(VolumeInfo volume, CancellationToken ct);
}

public enum CpuArchitecture { Amd64, Arm64 }

public sealed record ServerTypeInfo(string Name, int Cores, double MemoryGb, decimal? MonthlyPrice, string Currency, CpuArchitecture Architecture, IReadOnlyList<string> Locations);

public sealed record LocationInfo(string Name, string Description);

public sealed record NetworkInfo(string Id, string Name, string IpRange, string? SubnetId = null);

public sealed record FirewallInfo(string Id, string Name);

public sealed record ServerSpec(
    string Name,
    string ServerType,
    string Location,
    string UserData,
    NetworkInfo Network,
    FirewallInfo Firewall,
    IReadOnlyDictionary<string, string> Labels);

public enum ServerStatus { Starting, Running, Stopped, Deleting, Unknown }

public sealed record ServerInfo(
    string Id,
    string Name,
    ServerStatus Status,
    string? PublicIPv4,
    string? PrivateIPv4,
    string ServerType,
    string Location);

public sealed record VolumeSpec(string Name, int SizeGb, string Location, IReadOnlyDictionary<string, string> Labels);

public sealed record VolumeInfo(string Id, string Name, int SizeGb, string Location, string? ServerId, string? DevicePath);

/// <summary>A provider API answered with an error.</summary>
public class CloudApiException : NvoiException
{
    public string Provider { get; }
    public int StatusCode { get; }
    public string? Code { get; }

    public CloudApiException(string provider, int statusCode, string? code, string message)
        : base($"{provider}: {message}" + (code is null ? "" : $" ({code})"))
    {
        Provider = provider;
        StatusCode = statusCode;
        Code = code;
    }
}

/// <summary>The token or keys were refused (401/403): invalid input, exit code 2 (fix the credential in deploy.enc).</summary>
public sealed class CloudAuthenticationException(string provider, int statusCode, string? code, string message)
    : CloudApiException(provider, statusCode, code, message)
{
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>A configured value (server type, location) does not exist at the provider.</summary>
public sealed class CloudValidationException(string message) : NvoiException(message)
{
    public override int ExitCode => ExitCodes.InvalidInput;
}
