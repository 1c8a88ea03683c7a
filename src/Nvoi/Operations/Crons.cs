using System.Security.Cryptography;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Operations.Deploy;

namespace Nvoi.Operations;

/// <summary>A cron name that no app service defines under <c>crons</c>.</summary>
public sealed class UnknownCronException(string cron, IEnumerable<string> known) : NvoiException(
    known.Any()
        ? $"no cron named '{cron}' in the config; the crons are: {string.Join(", ", known)}"
        : $"no cron named '{cron}' in the config: no app service defines crons")
{
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>`nvoi cron run|list`: the app services' crons, through the master's forwarded API.</summary>
public static class Crons
{
    /// <summary>The app service that defines <paramref name="cron"/>, and its definition.</summary>
    public static (string Service, CronConfig Cron) Find(DeployConfig config, string cron)
    {
        foreach (var (service, app) in config.Application.App)
            if (app.Crons.TryGetValue(cron, out var c)) return (service, c);
        throw new UnknownCronException(cron, config.Application.App.Values.SelectMany(a => a.Crons.Keys).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Runs <paramref name="cron"/> now from its deployed CronJob (a Job like <c>kubectl create job --from=cronjob/…</c>),
    /// its log lines given to <paramref name="onLine"/> as they come; the result carries the command's exit code.
    /// </summary>
    public static async Task<CronRunResult> RunAsync(DeployConfig config, IWorld world, string cron, Action<LogLine> onLine, CancellationToken ct)
    {
        Find(config, cron);
        var names = new Names(config.Application.Name!);
        await using var cluster = await ClusterConnection.OpenAsync(world, new DesiredState(config), ct);
        var runner = new CronRunner(cluster.Client, new RolloutWatcher(cluster.Client, world.Time));
        // 8 hex characters: a CronJob name has at most 52, a Job's (and its pods' job-name label) 63.
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return await runner.RunAsync(names.CronJob(cron), suffix, onLine, ct);
    }

    /// <summary>The crons of the config with their deployed state (null when the CronJob is not in the cluster yet).</summary>
    public static async Task<IReadOnlyList<(string Cron, string Service, CronConfig Config, CronStatus? Live)>> ListAsync(DeployConfig config, IWorld world, CancellationToken ct)
    {
        var names = new Names(config.Application.Name!);
        await using var cluster = await ClusterConnection.OpenAsync(world, new DesiredState(config), ct);
        var live = (await new CronRunner(cluster.Client, new RolloutWatcher(cluster.Client, world.Time)).ListAsync(names.App, ct))
            .ToDictionary(c => c.CronJob, StringComparer.Ordinal);
        return config.Application.App
            .SelectMany(p => p.Value.Crons.Select(c => (Cron: c.Key, Service: p.Key, Config: c.Value, Live: live.GetValueOrDefault(names.CronJob(c.Key)))))
            .OrderBy(c => c.Cron, StringComparer.Ordinal)
            .ToList();
    }
}
