using Nvoi.Configuration;
using Nvoi.Hosts;
using Nvoi.Operations.Deploy;

namespace Nvoi.Operations;

/// <summary>What <c>nvoi unlock</c> found: the lock it removed (null: there was none) and whether the master exists.</summary>
public sealed record UnlockResult(LockInfo? Removed, bool MasterExists, string Master);

/// <summary>`nvoi unlock`: removes the deploy lock on the master after a deploy was killed.</summary>
public static class Unlock
{
    /// <summary>Reads the lock (who, since when, which nvoi), then removes it. No lock is not an error.</summary>
    public static async Task<UnlockResult> RunAsync(DeployConfig config, IWorld world, CancellationToken ct)
    {
        var desired = new DesiredState(config);
        var master = await world.Cloud.FindServerAsync(desired.Master.Name, ct);
        if (master is null) return new UnlockResult(null, false, desired.Master.Name);
        var host = world.Host(master);
        var path = desired.Names.DeployLockPath;
        var held = await ServerSetup.ReadDeployLockAsync(host, path, ct);
        if (held is null) return new UnlockResult(null, true, master.Name);
        await ServerSetup.ReleaseDeployLockAsync(host, path, ct);
        return new UnlockResult(held, true, master.Name);
    }
}
