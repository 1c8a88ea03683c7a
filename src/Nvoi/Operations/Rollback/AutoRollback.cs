using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Operations.Deploy;
using Nvoi.Operations.Progress;

namespace Nvoi.Operations.Rollback;

/// <summary>
/// `deploy --rollback-on-failure`: when the public URL check fails after a rollout that changed the app image, the
/// previously deployed tag is rolled out again (the same rollout, migrations and URL check, recorded in the history as
/// a rollback) and the deploy still fails, with <see cref="RolledBackException"/> saying what happened.
/// </summary>
public static class AutoRollback
{
    public static async Task<IReadOnlyList<string>> DeployAsync(DeployConfig config, IWorld world, IProgressSink progress, DeployOptions options,
        Deployer deployer, CancellationToken ct)
    {
        try
        {
            return await deployer.DeployAsync(ct);
        }
        catch (UrlCheckFailedException failure)
        {
            IReadOnlyList<DeployRecord> history;
            await using (var cluster = await ClusterConnection.OpenAsync(world, new DesiredState(config), ct))
                history = await DeployHistory.ReadAsync(cluster.Client, ct);
            // This deploy's entry is the last one; the tag that ran before it, the newest other good one.
            var failed = history.Count > 0 ? history[^1].Tag : "";
            var earlier = history.Take(history.Count - 1).LastOrDefault(r => r.Result == DeployRecord.Succeeded);
            if (earlier is null || earlier.Tag == failed)
                throw new NvoiException($"{failure.Message} Not rolled back: this deploy did not change the app image ({(failed.Length > 0 ? failed : "none")}), so there is no previous image to go back to.");
            var previous = KeptImages.PreviousTag(history, failed)!;
            Say(progress, world, $"the public URL check failed for {failed}: rolling back to {previous}");
            var rollback = new Deployer(config, world, progress, options with
            {
                ImageTag = previous,
                RollbackNote = $"automatic: the URL check of {failed} failed",
            });
            try
            {
                await rollback.DeployAsync(ct);
            }
            catch (Exception e) when (e is NvoiException)
            {
                throw new NvoiException($"{failure.Message} The automatic rollback to {previous} failed too: {e.Message}");
            }
            throw new RolledBackException(failed, previous, failure.Message);
        }
    }

    private static void Say(IProgressSink progress, IWorld world, string text) =>
        progress.Report(new ProgressMessage(null, MessageLevel.Warning, text) { At = world.Time.GetUtcNow() });
}

/// <summary>The deploy failed its URL check and was rolled back: <see cref="Previous"/> runs again (exit 1).</summary>
public sealed class RolledBackException(string failed, string previous, string cause) : NvoiException(
    $"{cause} Rolled back to {previous}: it runs again and its URL check passes; {failed} stays in the registry (`nvoi rollback {failed}` to retry it).")
{
    public string FailedTag => failed;
    public string Previous => previous;
}
