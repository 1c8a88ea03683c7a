using k8s;
using k8s.Models;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Credentials;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>Steps "lock" and "unlock": the deploy lock on the master.</summary>
public sealed partial class Deployer
{
    /// <summary>The lock this run wrote (null until taken): released only while it still is this one.</summary>
    private LockInfo? _heldLock;

    private async Task<bool> AcquireLockAsync(IRemoteHost master, CancellationToken ct)
    {
        await _steps.RunAsync("lock", null, "Take the deploy lock", async () =>
        {
            var now = _world.Time.GetUtcNow();
            // A deploy from this machine that was killed is provably gone: its lock is taken over.
            var result = await LockHolder.AcquireAsync(master, _desired.Names.DeployLockPath, _options.Holder, now,
                _options.NvoiVersion, _options.LockStaleAfter, _options.IsProcessRunning,
                dead => _steps.Message("lock", $"the deploy that held the lock ({dead.Who}) is gone: took its lock over", MessageLevel.Warning), ct);
            if (result is LockResult.HeldBy holder)
                throw new DeployLockedException(holder.Lock, _world.Time.GetUtcNow());
            _heldLock = _options.Holder.Lock(now, _options.NvoiVersion);
            return "taken";
        });
        return true;
    }

    private async Task ReleaseLockAsync(IRemoteHost master)
    {
        // Released even when the deploy was cancelled; a lock someone else holds now (`nvoi unlock` and another
        // deploy while this one ran) is theirs and stays.
        await _steps.RunAsync("unlock", null, "Release the deploy lock", async () =>
        {
            var other = await ServerSetup.ReleaseOwnDeployLockAsync(master, _desired.Names.DeployLockPath, _heldLock!, CancellationToken.None);
            if (other is null) return "released";
            _steps.Message("unlock", $"the lock is no longer this deploy's: {other.Who} holds it now (left in place)", MessageLevel.Warning);
            return "held by another deploy: left in place";
        });
    }
}

/// <summary>Another deploy holds the lock.</summary>
public sealed class DeployLockedException(LockInfo holder, DateTimeOffset now) : NvoiException(
    $"another deploy holds the lock: {holder.Who} since {holder.Since:u} ({Age(now - holder.Since)} ago{(holder.Version.Length > 0 ? ", nvoi " + holder.Version : "")}). " +
    "If that deploy is dead, run `nvoi unlock`.")
{
    public LockInfo Holder => holder;

    private static string Age(TimeSpan t) => t.TotalMinutes < 1 ? $"{t.TotalSeconds:0}s" : t.TotalHours < 1 ? $"{t.TotalMinutes:0}m" : $"{t.TotalHours:0.0}h";
}
