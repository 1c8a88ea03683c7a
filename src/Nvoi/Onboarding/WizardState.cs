using Nvoi.Dns;

namespace Nvoi.Onboarding;

/// <summary>
/// Everything the wizard has been told so far. The UI fills it step by step; <see cref="ConfigBuilder"/>
/// turns it into a config. Secret values live here in memory only and are never printed by
/// <see cref="object.ToString"/>.
/// </summary>
public sealed class WizardState
{
    /// <summary>The one server group the wizard creates (the master); apps and the database run on it.</summary>
    public const string DefaultGroup = "main";
    public const string Environment = "production";

    public string? Name { get; set; }
    public ComputeAnswer? Compute { get; set; }
    public CloudflareAnswer? Cloudflare { get; set; }
    public List<AppAnswer> Apps { get; } = [];
    public DatabaseAnswer? Database { get; set; }
    /// <summary>Plain environment variables, in the order given.</summary>
    public Dictionary<string, string> Env { get; } = [];
    /// <summary>Secret variables: masked when typed and in every later display.</summary>
    public Dictionary<string, string> Secrets { get; } = [];

    /// <summary>The server groups the config will define (a database may only go on one of these).</summary>
    public IReadOnlyList<string> ServerGroups { get; } = [DefaultGroup];

    /// <summary>Forgets every answer (start over).</summary>
    public void Clear()
    {
        Name = null;
        Compute = null;
        Cloudflare = null;
        Apps.Clear();
        Database = null;
        Env.Clear();
        Secrets.Clear();
    }

    public override string ToString() =>
        $"WizardState {{ Name = {Name}, Compute = {Compute}, Cloudflare = {Cloudflare}, Apps = {Apps.Count}, Database = {Database}, Env = {Env.Count}, Secrets = {Secrets.Count} }}";
}

/// <summary>The compute provider, its credentials (by config key), and where the servers run.</summary>
public sealed record ComputeAnswer(ComputeProviderKind Kind, IReadOnlyDictionary<string, string> Credentials, string Location, string ServerType)
{
    public ComputeProviderInfo Info => ComputeProviderInfo.Of(Kind);

    /// <summary>"hetzner (cx22 @ fsn1)".</summary>
    public string Describe() => $"{Info.Key} ({ServerType} @ {Location})";

    public override string ToString() => $"ComputeAnswer {{ {Describe()} }}";
}

/// <summary>Cloudflare credentials and the active zones the token sees.</summary>
public sealed record CloudflareAnswer(string ApiToken, string AccountId, IReadOnlyList<CloudflareZone> Zones)
{
    public override string ToString() => $"CloudflareAnswer {{ AccountId = {AccountId}, Zones = {Zones.Count} }}";
}

/// <summary>One app service. A null port is a background worker; a null domain is not published.</summary>
public sealed record AppAnswer(string Name, string? Command, int? Port, string? Domain, string? Subdomain, string? PreRunCommand)
{
    /// <summary>The public hostnames (the apex gives the domain and its wildcard).</summary>
    public IReadOnlyList<string> Hostnames =>
        Domain is null ? [] : Configuration.Names.Hostnames(Subdomain, Domain);

    public string Describe() =>
        (Port is { } p ? $"{Name} :{p}" : $"{Name} (worker)") + (Hostnames.Count > 0 ? " → " + string.Join(", ", Hostnames) : "");
}

/// <summary>
/// A managed database on <see cref="ServerGroup"/> with its data on volume <see cref="VolumeName"/>.
/// Postgres and MySQL have a database name, user and password; SQLite has a file path.
/// </summary>
public sealed record DatabaseAnswer(
    DatabaseKind Kind,
    string ServerGroup,
    string VolumeName,
    int VolumeSizeGb,
    string? DatabaseName = null,
    string? User = null,
    string? Password = null,
    string? SqlitePath = null)
{
    public string Describe() => $"{DatabaseKinds.Adapter(Kind)} on {ServerGroup} ({VolumeName}, {VolumeSizeGb} GB)";

    public override string ToString() => $"DatabaseAnswer {{ {Describe()} }}";
}

public enum DatabaseKind { Postgres, Mysql, Sqlite }

/// <summary>Facts about each managed database kind.</summary>
public static class DatabaseKinds
{
    /// <summary>The adapter written to the config.</summary>
    public static string Adapter(DatabaseKind kind) => kind switch
    {
        DatabaseKind.Postgres => "postgres",
        DatabaseKind.Mysql => "mysql",
        _ => "sqlite3",
    };

    public static string DisplayName(DatabaseKind kind) => kind switch
    {
        DatabaseKind.Postgres => "PostgreSQL",
        DatabaseKind.Mysql => "MySQL",
        _ => "SQLite",
    };

    /// <summary>Name of the server volume holding the data.</summary>
    public static string VolumeName(DatabaseKind kind) => kind switch
    {
        DatabaseKind.Postgres => "postgres-data",
        DatabaseKind.Mysql => "mysql-data",
        _ => "sqlite-data",
    };

    /// <summary>Where the volume is mounted in the database container.</summary>
    public static string DataPath(DatabaseKind kind) => kind switch
    {
        DatabaseKind.Postgres => "/var/lib/postgresql/data",
        DatabaseKind.Mysql => "/var/lib/mysql",
        _ => "/app/data",
    };

    public const string DefaultSqlitePath = "/app/data/production.sqlite3";
}
