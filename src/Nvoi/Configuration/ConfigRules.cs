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

    /// <summary>A CronJob's name stays under 52 characters: its Jobs are named after it plus an 11-character suffix.</summary>
    public const int MaxCronJobName = 52;

    /// <summary>The defaults of every app container (as 0.2.0): requests 100m/128Mi, limits 500m/512Mi.</summary>
    public static readonly ResourceAmounts DefaultRequests = new() { Cpu = "100m", Memory = "128Mi" };
    public static readonly ResourceAmounts DefaultLimits = new() { Cpu = "500m", Memory = "512Mi" };

    /// <summary>
    /// A quantity as Kubernetes writes one (<c>250m</c>, <c>0.5</c>, <c>1Gi</c>), parsed by KubernetesClient; null when it is not one.
    /// </summary>
    public static decimal? Quantity(string? s)
    {
        if (string.IsNullOrEmpty(s) || s.Any(char.IsWhiteSpace)) return null;
        try { return new k8s.Models.ResourceQuantity(s).ToDecimal(); }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException) { return null; }
    }

    /// <summary>The macros the CronJob controller accepts instead of five fields.</summary>
    public static readonly IReadOnlyList<string> CronMacros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

    /// <summary>
    /// Why <paramref name="schedule"/> is not a schedule Kubernetes runs, or null: five fields (minute hour day-of-month month
    /// day-of-week) parsed by Cronos, or one of <see cref="CronMacros"/>; Cronos's own extensions (L, W, #) are refused
    /// because the CronJob controller does not know them.
    /// </summary>
    public static string? CronScheduleProblem(string schedule)
    {
        var text = schedule.Trim();
        if (text.StartsWith('@'))
            return CronMacros.Contains(text) ? null : $"'{text}' is not one of {string.Join(", ", CronMacros)}";
        if (text.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length != 5)
            return "must have 5 fields: minute hour day-of-month month day-of-week (e.g. \"0 3 * * *\")";
        if (text.Contains('#')) return "uses '#', which Kubernetes CronJobs do not support";
        // Letters are only month and day names (JAN, MON); Cronos's L and W are not Kubernetes syntax.
        if (CronWordRegex().Matches(text).FirstOrDefault(m => m.Length != 3) is { } word)
            return $"uses '{word.Value}', which Kubernetes CronJobs do not support";
        try
        {
            Cronos.CronExpression.Parse(text, Cronos.CronFormat.Standard);
            return null;
        }
        catch (Cronos.CronFormatException e)
        {
            return $"is not a valid cron expression ({e.Message.TrimEnd('.')})";
        }
    }

    [GeneratedRegex("[A-Za-z]+")]
    private static partial Regex CronWordRegex();

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
