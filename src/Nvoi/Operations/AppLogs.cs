using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Operations.Deploy;

namespace Nvoi.Operations;

/// <summary>An app name that is not a key under application.app.</summary>
public sealed class UnknownAppException(string app, IEnumerable<string> known) : NvoiException(
    $"no app named '{app}' in the config; the apps are: {string.Join(", ", known)}")
{
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>A logs target that is neither an app service, an extra service nor the managed database.</summary>
public sealed class UnknownLogTargetException(string message) : NvoiException(message)
{
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>`nvoi logs`: every pod of an app service, an extra service or the database, through the master's forwarded API.</summary>
public static partial class AppLogs
{
    /// <summary>The names <c>nvoi logs</c> accepts for the managed database.</summary>
    public static readonly string[] DatabaseNames = ["db", "database"];

    /// <summary>Checks <paramref name="app"/> against the config and returns its pod label.</summary>
    public static string PodLabel(DeployConfig config, string app)
    {
        if (!config.Application.App.ContainsKey(app))
            throw new UnknownAppException(app, config.Application.App.Keys.Order(StringComparer.Ordinal));
        return new Names(config.Application.Name!).AppPodLabel(app);
    }

    /// <summary>
    /// The pod label of <paramref name="target"/>: an app service (application.app), an extra service (application.services)
    /// or the managed database (<c>db</c> or <c>database</c>), looked up in that order.
    /// </summary>
    public static string TargetLabel(DeployConfig config, string target)
    {
        var app = config.Application;
        var names = new Names(app.Name!);
        if (app.App.ContainsKey(target)) return names.AppPodLabel(target);
        if (app.Services.ContainsKey(target)) return names.ExtraService(target);
        if (DatabaseNames.Contains(target))
        {
            if (app.Database is not { } db) throw new UnknownLogTargetException("the config has no application.database");
            if (!string.IsNullOrEmpty(db.Url) || ConfigRules.IsSqlite(db))
                throw new UnknownLogTargetException($"application.database does not run in the cluster ({(ConfigRules.IsSqlite(db) ? "sqlite3 lives in the app's volume" : "it is an external url")}): it has no logs to show");
            return names.Database;
        }
        var known = $"the apps are: {string.Join(", ", app.App.Keys.Order(StringComparer.Ordinal))}";
        if (app.Services.Count > 0) known += $"; the services are: {string.Join(", ", app.Services.Keys.Order(StringComparer.Ordinal))}";
        if (app.Database is not null) known += "; the database is db";
        throw new UnknownLogTargetException($"no app or service named '{target}' in the config; {known}");
    }

    /// <summary>
    /// A duration as kubectl takes it: <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1h30m</c>, <c>7d</c>; null when it is not one.
    /// </summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var m = DurationPattern().Match(text.Trim());
        if (!m.Success || m.Length == 0) return null;
        double Part(string g) => m.Groups[g].Success ? double.Parse(m.Groups[g].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var span = TimeSpan.FromDays(Part("d")) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
        return span > TimeSpan.Zero ? span : null;
    }

    [GeneratedRegex(@"^(?:(?<d>\d+)d)?(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?$")]
    private static partial Regex DurationPattern();

    /// <summary>
    /// The lines of every pod of <paramref name="target"/> (see <see cref="TargetLabel"/>), merged and tagged by pod (see
    /// <see cref="LogStreamer"/>); the cluster connection is closed when the enumeration ends.
    /// </summary>
    public static async IAsyncEnumerable<LogLine> StreamAsync(DeployConfig config, IWorld world, string target, LogQuery query,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var label = TargetLabel(config, target);
        await using var cluster = await ClusterConnection.OpenAsync(world, new DesiredState(config), ct);
        await foreach (var line in new LogStreamer(cluster.Client).StreamAsync(label, query, ct))
            yield return line;
    }

    /// <summary>The lines of an app service's pods (see <see cref="StreamAsync(DeployConfig, IWorld, string, LogQuery, CancellationToken)"/>).</summary>
    public static IAsyncEnumerable<LogLine> StreamAsync(DeployConfig config, IWorld world, string app, int tailLines, bool follow, CancellationToken ct) =>
        StreamAsync(config, world, app, new LogQuery(tailLines, follow), ct);
}
