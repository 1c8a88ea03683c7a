using System.Text.RegularExpressions;

namespace Nvoi.Configuration;

/// <summary>Small syntactic rules shared by the validator and the branch override.</summary>
public static partial class ConfigRules
{
    public const string DnsLabelRule =
        "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

    /// <summary>The database adapters nvoi knows, lowercase.</summary>
    public static readonly IReadOnlyList<string> Adapters = ["postgres", "postgresql", "mysql", "sqlite", "sqlite3"];

    public static readonly IReadOnlyList<string> HealthCheckTypes = ["http", "tcp", "exec"];

    public const int MinVolumeSizeGb = 10;

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabelRegex();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex HostLabelRegex();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex SecretKeyRegex();

    /// <summary>A SHA-256 digest: 64 hex digits (either case).</summary>
    public static bool IsSha256(string? s) => s is { Length: 64 } && s.All(char.IsAsciiHexDigit);

    /// <summary>Lowercase RFC 1123 label, 1–63 characters.</summary>
    public static bool IsDnsLabel(string? s) => s is not null && DnsLabelRegex().IsMatch(s);

    /// <summary>A domain: two or more host labels, at most 253 characters (a trailing dot is not allowed).</summary>
    public static bool IsDomain(string? s) =>
        s is { Length: > 0 and <= 253 } && s.Split('.') is { Length: >= 2 } labels && labels.All(HostLabelRegex().IsMatch);

    /// <summary>A subdomain: "", "@", "*" or one or more host labels joined by dots.</summary>
    public static bool IsSubdomain(string? s) =>
        s is null or "" or "@" or "*" || (s.Length <= 253 && s.Split('.').All(HostLabelRegex().IsMatch));

    /// <summary>A key Kubernetes accepts in a Secret (env, secrets): letters, digits, '-', '_', '.'.</summary>
    public static bool IsEnvKey(string s) => SecretKeyRegex().IsMatch(s);

    public static bool IsPort(int port) => port is >= 1 and <= 65535;

    /// <summary>The adapter in lowercase, or null.</summary>
    public static string? Adapter(Database? db) => db?.Adapter?.Trim().ToLowerInvariant();

    public static bool IsPostgres(Database? db) => Adapter(db) is "postgres" or "postgresql";
    public static bool IsMysql(Database? db) => Adapter(db) is "mysql";
    public static bool IsSqlite(Database? db) => Adapter(db) is "sqlite" or "sqlite3";
}
