using System.Runtime.CompilerServices;
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

/// <summary>`nvoi logs`: every pod of an app service (label app=A-S), through the master's forwarded API.</summary>
public static class AppLogs
{
    /// <summary>Checks <paramref name="app"/> against the config and returns its pod label.</summary>
    public static string PodLabel(DeployConfig config, string app)
    {
        if (!config.Application.App.ContainsKey(app))
            throw new UnknownAppException(app, config.Application.App.Keys.Order(StringComparer.Ordinal));
        return new Names(config.Application.Name!).AppPodLabel(app);
    }

    /// <summary>
    /// The lines of every pod of <paramref name="app"/>, merged and tagged by pod (see <see cref="LogStreamer"/>);
    /// the cluster connection is closed when the enumeration ends.
    /// </summary>
    public static async IAsyncEnumerable<LogLine> StreamAsync(DeployConfig config, IWorld world, string app, int tailLines, bool follow,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var label = PodLabel(config, app);
        await using var cluster = await ClusterConnection.OpenAsync(world, new DesiredState(config), ct);
        await foreach (var line in new LogStreamer(cluster.Client).StreamAsync(label, tailLines, follow, ct))
            yield return line;
    }
}
