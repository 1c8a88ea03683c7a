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
    private async Task<bool> AcquireLockAsync(IRemoteHost master, CancellationToken ct)
    {
        await _steps.RunAsync("lock", null, "Take the deploy lock", async () =>
        {
            var info = new LockInfo(_options.Holder, _world.Time.GetUtcNow(), _options.NvoiVersion);
            var result = await ServerSetup.AcquireDeployLockAsync(master, _desired.Names.DeployLockPath, info, _options.LockStaleAfter, ct);
            if (result is LockResult.HeldBy held && LockHolder.IsGoneFromThisMachine(held.Lock.Holder, _options.Holder))
            {
                // A deploy from this machine was killed: its process is gone, so its lock is taken over.
                _steps.Message("lock", $"the deploy that held the lock ({held.Lock.Holder}) is gone: taking its lock over", MessageLevel.Warning);
                await ServerSetup.ReleaseDeployLockAsync(master, _desired.Names.DeployLockPath, ct);
                result = await ServerSetup.AcquireDeployLockAsync(master, _desired.Names.DeployLockPath, info, _options.LockStaleAfter, ct);
            }
            if (result is LockResult.HeldBy holder)
                throw new DeployLockedException(holder.Lock, _world.Time.GetUtcNow());
            return "taken";
        });
        return true;
    }

    private async Task ReleaseLockAsync(IRemoteHost master)
    {
        // Released even when the deploy was cancelled.
        await _steps.RunAsync("unlock", null, "Release the deploy lock", async () =>
        {
            await ServerSetup.ReleaseDeployLockAsync(master, _desired.Names.DeployLockPath, CancellationToken.None);
            return "released";
        });
    }
}

/// <summary>Another deploy holds the lock.</summary>
public sealed class DeployLockedException(LockInfo holder, DateTimeOffset now) : NvoiException(
    $"another deploy holds the lock: {holder.Holder} since {holder.Since:u} ({Age(now - holder.Since)} ago, nvoi {holder.Version}). " +
    "If that deploy is dead, run `nvoi unlock`.")
{
    public LockInfo Holder => holder;

    private static string Age(TimeSpan t) => t.TotalMinutes < 1 ? $"{t.TotalSeconds:0}s" : t.TotalHours < 1 ? $"{t.TotalMinutes:0}m" : $"{t.TotalHours:0.0}h";
}
