using Nvoi.Hosts;

namespace Nvoi.Hosts.Tests.Contracts;

/// <summary>
/// The deploy lock's behaviour through nvoi's calls, whatever the lock file looks like: one winner among
/// concurrent deploys, a holder others see, release, and takeover of a holder that died (its lock went stale).
/// </summary>
public static class DeployLockContract
{
    private static readonly TimeSpan Stale = TimeSpan.FromHours(1);
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);

    public static string NewPath() => $"/tmp/nvoi-deploy-contract-{Guid.NewGuid():N}.lock";

    public static async Task HolderReleaseAndReacquireAsync(IContractHost server)
    {
        var path = NewPath();
        var host = server.Host;
        var ana = new LockInfo("ana@laptop", T, "0.3.0");
        Assert.Null(await ServerSetup.ReadDeployLockAsync(host, path));
        Assert.IsType<LockResult.Acquired>(await ServerSetup.AcquireDeployLockAsync(host, path, ana, Stale));
        Assert.Equal(ana, await ServerSetup.ReadDeployLockAsync(server.Connect(), path));

        // Another deployer, on its own connection, finds ana holding it, also a second later and just before it goes stale.
        foreach (var later in new[] { 1, 3599 })
        {
            var held = Assert.IsType<LockResult.HeldBy>(await ServerSetup.AcquireDeployLockAsync(server.Connect(), path,
                new LockInfo("bob@ci", T.AddSeconds(later), "0.3.0"), Stale));
            Assert.Equal(ana, held.Lock);
        }

        Assert.True(await ServerSetup.ReleaseDeployLockAsync(host, path));
        Assert.False(await ServerSetup.ReleaseDeployLockAsync(host, path));
        Assert.Null(await ServerSetup.ReadDeployLockAsync(host, path));
        var bob = new LockInfo("bob@ci", T.AddSeconds(5), "0.3.1");
        Assert.Equal(new LockResult.Acquired(null), await ServerSetup.AcquireDeployLockAsync(server.Connect(), path, bob, Stale));
        Assert.Equal(bob, await ServerSetup.ReadDeployLockAsync(host, path));
        Assert.True(await ServerSetup.ReleaseDeployLockAsync(host, path));
    }

    /// <summary>A deploy that died holding the lock: once stale, the next deploy takes it over and is told whose it was.</summary>
    public static async Task TakeoverOfADeadHolderAsync(IContractHost server)
    {
        var path = NewPath();
        var dead = new LockInfo("ana@laptop", T, "0.3.0");
        Assert.Equal(new LockResult.Acquired(null), await ServerSetup.AcquireDeployLockAsync(server.Connect(), path, dead, Stale));
        var next = new LockInfo("carl@ci", T + Stale + TimeSpan.FromSeconds(1), "0.3.1");
        var taken = Assert.IsType<LockResult.Acquired>(await ServerSetup.AcquireDeployLockAsync(server.Host, path, next, Stale));
        Assert.Equal(dead, taken.Replaced);
        Assert.Equal(next, await ServerSetup.ReadDeployLockAsync(server.Connect(), path));
        Assert.True(await ServerSetup.ReleaseDeployLockAsync(server.Host, path));
    }

    /// <summary>Deployers racing, each on its own connection: exactly one wins, every other one is told who.</summary>
    public static async Task OneWinnerAsync(IContractHost server, int contenders = 8)
    {
        var path = NewPath();
        var infos = Enumerable.Range(0, contenders).Select(i => new LockInfo($"deployer-{i}", T, "0.3.0")).ToArray();
        var hosts = infos.Select(_ => server.Connect()).ToArray();
        var results = await Task.WhenAll(infos.Select((info, i) =>
            Task.Run(() => ServerSetup.AcquireDeployLockAsync(hosts[i], path, info, Stale))));
        var winner = Assert.Single(Enumerable.Range(0, contenders), i => results[i] is LockResult.Acquired);
        Assert.Equal(new LockResult.Acquired(null), results[winner]);
        Assert.All(results.Where((_, i) => i != winner), r => Assert.Equal(new LockResult.HeldBy(infos[winner]), r));
        Assert.Equal(infos[winner], await ServerSetup.ReadDeployLockAsync(server.Host, path));
        Assert.True(await ServerSetup.ReleaseDeployLockAsync(server.Host, path));
    }

    /// <summary>
    /// The lock lives in /tmp (as in nvoi 0.2.0), which Debian empties at boot: a deploy that a reboot killed
    /// leaves no lock behind, and the next deploy takes it at once.
    /// </summary>
    public static async Task ARebootFreesTheLockAsync(IContractHost server)
    {
        var path = NewPath();
        var ana = new LockInfo("ana@laptop", T, "0.3.0");
        Assert.Equal(new LockResult.Acquired(null), await ServerSetup.AcquireDeployLockAsync(server.Host, path, ana, Stale));
        await server.RebootAsync();
        Assert.Null(await ServerSetup.ReadDeployLockAsync(server.Host, path));
        var bob = new LockInfo("bob@ci", T.AddSeconds(60), "0.3.0");
        Assert.Equal(new LockResult.Acquired(null), await ServerSetup.AcquireDeployLockAsync(server.Host, path, bob, Stale));
        Assert.True(await ServerSetup.ReleaseDeployLockAsync(server.Host, path));
    }
}
