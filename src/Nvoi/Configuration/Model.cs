using System.Text;

namespace Nvoi.Configuration;

// The plaintext of deploy.enc: the nvoi 0.2.0 schema (docs/configuration.md).
// Property names map to snake_case YAML keys (ApiToken -> api_token).
// Maps keep the order of the file, so a config written back reads the same.

/// <summary>The document root: everything lives under <c>application</c>.</summary>
public sealed record DeployConfig
{
    public Application Application { get; set; } = new();
}

public sealed record Application
{
    public string? Name { get; set; }
    public string? Environment { get; set; }
    /// <summary>Images kept on the server; absent or &lt;= 0 means 2 (see <see cref="KeepCountValue"/>).</summary>
    public int? KeepCount { get; set; }
    /// <summary>Whether a deploy whose public URL check fails rolls back to the previously deployed image (as --rollback-on-failure).</summary>
    public bool? RollbackOnFailure { get; set; }
    public DomainProvider? DomainProvider { get; set; }
    public ComputeProvider? ComputeProvider { get; set; }
    public Dictionary<string, ServerGroup> Servers { get; set; } = new();
    public Dictionary<string, AppService> App { get; set; } = new();
    public Database? Database { get; set; }
    public Dictionary<string, ExtraService> Services { get; set; } = new();
    public Dictionary<string, string> Env { get; set; } = new();
    public Dictionary<string, string> Secrets { get; set; } = new();
    public SshKeys? SshKeys { get; set; }
    public K3sConfig? K3s { get; set; }

    public int KeepCountValue => KeepCount is > 0 ? KeepCount.Value : 2;
}

/// <summary>How k3s is installed (<c>application.k3s</c>).</summary>
public sealed record K3sConfig
{
    public K3sInstallerConfig? Installer { get; set; }
}

/// <summary>A k3s installer file used instead of downloading https://get.k3s.io, pinned by its SHA-256.</summary>
public sealed record K3sInstallerConfig
{
    /// <summary>The installer file; a relative path is taken from the working directory.</summary>
    public string? Path { get; set; }
    /// <summary>Its SHA-256 (64 hex digits).</summary>
    public string? Sha256 { get; set; }
}

public sealed record DomainProvider
{
    public CloudflareConfig? Cloudflare { get; set; }
}

public sealed record CloudflareConfig
{
    // Records print their members; secrets must not reach logs or exceptions that way.
    private bool PrintMembers(StringBuilder b) { b.Append("ApiToken = ").Append(ModelText.Hidden(ApiToken)).Append(", AccountId = ").Append(AccountId); return true; }

    public string? ApiToken { get; set; }
    public string? AccountId { get; set; }
}

public sealed record ComputeProvider
{
    public HetznerConfig? Hetzner { get; set; }
    public AwsConfig? Aws { get; set; }
    public ScalewayConfig? Scaleway { get; set; }
}

public sealed record HetznerConfig
{
    private bool PrintMembers(StringBuilder b) { b.Append("ApiToken = ").Append(ModelText.Hidden(ApiToken)).Append(", ServerType = ").Append(ServerType).Append(", ServerLocation = ").Append(ServerLocation); return true; }

    public string? ApiToken { get; set; }
    public string? ServerType { get; set; }
    public string? ServerLocation { get; set; }
}

public sealed record AwsConfig
{
    private bool PrintMembers(StringBuilder b) { b.Append("AccessKeyId = ").Append(ModelText.Hidden(AccessKeyId)).Append(", SecretAccessKey = ").Append(ModelText.Hidden(SecretAccessKey)).Append(", Region = ").Append(Region).Append(", InstanceType = ").Append(InstanceType); return true; }

    public string? AccessKeyId { get; set; }
    public string? SecretAccessKey { get; set; }
    public string? Region { get; set; }
    public string? InstanceType { get; set; }
}

public sealed record ScalewayConfig
{
    private bool PrintMembers(StringBuilder b) { b.Append("SecretKey = ").Append(ModelText.Hidden(SecretKey)).Append(", ProjectId = ").Append(ProjectId).Append(", ServerType = ").Append(ServerType).Append(", Zone = ").Append(Zone); return true; }

    public const string DefaultZone = "fr-par-1";
    public string? SecretKey { get; set; }
    public string? ProjectId { get; set; }
    public string? ServerType { get; set; }
    /// <summary>Absent means <see cref="DefaultZone"/>.</summary>
    public string? Zone { get; set; }
    public string ZoneValue => string.IsNullOrEmpty(Zone) ? DefaultZone : Zone;
}

/// <summary>A group of identical servers; the map key is the group name.</summary>
public sealed record ServerGroup
{
    public bool Master { get; set; }
    /// <summary>Server type; absent means the provider's default type.</summary>
    public string? Type { get; set; }
    /// <summary>Location; absent means the provider's default location.</summary>
    public string? Location { get; set; }
    /// <summary>Number of servers; absent means 1.</summary>
    public int? Count { get; set; }
    public Dictionary<string, ServerVolume> Volumes { get; set; } = new();

    public int CountValue => Count ?? 1;
}

public sealed record ServerVolume
{
    public const int DefaultSizeGb = 10;
    /// <summary>Size in GB; absent means 10.</summary>
    public int? Size { get; set; }
    public int SizeValue => Size ?? DefaultSizeGb;
}

/// <summary>An app service, built from the application's Dockerfile.</summary>
public sealed record AppService
{
    public List<string> Servers { get; set; } = new();
    public string? Domain { get; set; }
    /// <summary>"" or "@" is the apex (example.com and *.example.com).</summary>
    public string? Subdomain { get; set; }
    /// <summary>No port: a background worker.</summary>
    public int? Port { get; set; }
    public string? Command { get; set; }
    public string? PreRunCommand { get; set; }
    public HealthCheck? Healthcheck { get; set; }
    public Dictionary<string, string> Env { get; set; } = new();
    /// <summary>Server volume name to container path.</summary>
    public Dictionary<string, string> Mounts { get; set; } = new();
    /// <summary>Pods of the Deployment; absent means 2 with a port, 1 without (as 0.2.0). nvoi 0.2.0 ignores this key.</summary>
    public int? Replicas { get; set; }
    /// <summary>CPU and memory of each container; what is absent keeps the default (requests 100m/128Mi, limits 500m/512Mi).</summary>
    public Resources? Resources { get; set; }
    /// <summary>Scheduled commands run from the app's image, by cron name (unique in the application).</summary>
    public Dictionary<string, CronConfig> Crons { get; set; } = new();

    public bool IsWeb => Port is > 0;
    public int ReplicasValue => Replicas ?? (IsWeb ? 2 : 1);
}

/// <summary>A container's requests and limits (Kubernetes quantities).</summary>
public sealed record Resources
{
    public ResourceAmounts? Requests { get; set; }
    public ResourceAmounts? Limits { get; set; }
}

/// <summary>CPU (<c>250m</c>, <c>1</c>) and memory (<c>256Mi</c>, <c>1Gi</c>) in Kubernetes quantity syntax.</summary>
public sealed record ResourceAmounts
{
    public string? Cpu { get; set; }
    public string? Memory { get; set; }
}

/// <summary>A Kubernetes CronJob running <see cref="Command"/> in the app's image, with its env and mounts, on <see cref="Schedule"/>.</summary>
public sealed record CronConfig
{
    /// <summary>Five-field cron expression (minute hour day-of-month month day-of-week), in UTC.</summary>
    public string? Schedule { get; set; }
    /// <summary>The command, run by <c>sh -c</c>.</summary>
    public string? Command { get; set; }
}

public sealed record HealthCheck
{
    /// <summary>http, tcp or exec.</summary>
    public string? Type { get; set; }
    public string? Path { get; set; }
    public int? Port { get; set; }
    public string? Command { get; set; }
    public string? Interval { get; set; }
    public string? Timeout { get; set; }
    public int? Retries { get; set; }
}

public sealed record Database
{
    private bool PrintMembers(StringBuilder b) { b.Append("Adapter = ").Append(Adapter).Append(", Url = ").Append(ModelText.Hidden(Url)).Append(", Image = ").Append(Image).Append(", Servers = [").Append(string.Join(", ", Servers)).Append("], Secrets = [").Append(string.Join(", ", Secrets.Keys)).Append(']'); return true; }

    public List<string> Servers { get; set; } = new();
    /// <summary>postgres, postgresql, mysql, sqlite or sqlite3.</summary>
    public string? Adapter { get; set; }
    /// <summary>An external database instead of a managed one.</summary>
    public string? Url { get; set; }
    public string? Image { get; set; }
    /// <summary>Server volume name to container path.</summary>
    public Dictionary<string, string> Mount { get; set; } = new();
    public Dictionary<string, string> Secrets { get; set; } = new();
    public string? Path { get; set; }
}

/// <summary>An extra container such as redis.</summary>
public sealed record ExtraService
{
    public List<string> Servers { get; set; } = new();
    public string? Image { get; set; }
    public int? Port { get; set; }
    public string? Command { get; set; }
    public Dictionary<string, string> Env { get; set; } = new();
    public Dictionary<string, string> Mount { get; set; } = new();
}

public sealed record SshKeys
{
    private bool PrintMembers(StringBuilder b) { b.Append("PrivateKey = ").Append(ModelText.Hidden(PrivateKey)).Append(", PublicKey = ").Append(PublicKey); return true; }

    /// <summary>The deploy user's private key, OpenSSH format.</summary>
    public string? PrivateKey { get; set; }
    /// <summary>The deploy user's public key, one line.</summary>
    public string? PublicKey { get; set; }
    /// <summary>
    /// Pinned host keys by server name ("ssh-ed25519 AAAA..."). nvoi 0.2.0 ignores this key.
    /// </summary>
    public Dictionary<string, string> HostKeys { get; set; } = new();
}

internal static class ModelText
{
    public static string Hidden(string? value) => value is null ? "null" : "***";
}
