using System.Text;
using Nvoi.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>The deploy lock's observable contract, run against the real script (sshd) and the simulated host.</summary>
internal static class LockContract
{
    private static readonly TimeSpan Stale = TimeSpan.FromHours(1);

    public static async Task SequenceAsync(IRemoteHost host, string path)
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);
        var a = new LockInfo("ana@laptop", t, "0.3.0");
        Assert.Null(await ServerSetup.ReadDeployLockAsync(host, path));
        Assert.Equal(new LockResult.Acquired(null), await ServerSetup.AcquireDeployLockAsync(host, path, a, Stale));
        Assert.Equal(new LockResult.HeldBy(a),
            await ServerSetup.AcquireDeployLockAsync(host, path, new LockInfo("bob@ci", t.AddSeconds(10), "0.3.0"), Stale));
        Assert.Equal(new LockResult.HeldBy(a),
            await ServerSetup.AcquireDeployLockAsync(host, path, new LockInfo("bob@ci", t.AddSeconds(3599), "0.3.0"), Stale));
        Assert.Equal(a, await ServerSetup.ReadDeployLockAsync(host, path));

        var c = new LockInfo("carl@ci", t.AddSeconds(3600), "0.3.1");
        Assert.Equal(new LockResult.Acquired(a), await ServerSetup.AcquireDeployLockAsync(host, path, c, Stale));
        Assert.Equal(c, await ServerSetup.ReadDeployLockAsync(host, path));

        Assert.True(await ServerSetup.ReleaseDeployLockAsync(host, path));
        Assert.False(await ServerSetup.ReleaseDeployLockAsync(host, path));
        Assert.Null(await ServerSetup.ReadDeployLockAsync(host, path));

        // A lock left by nvoi 0.2.0: a bare Unix timestamp.
        await host.UploadAsync(new MemoryStream(Encoding.ASCII.GetBytes("1764000000\n")), path);
        var legacy = new LockInfo("", t, "");
        Assert.Equal(legacy, await ServerSetup.ReadDeployLockAsync(host, path));
        Assert.Equal(new LockResult.HeldBy(legacy),
            await ServerSetup.AcquireDeployLockAsync(host, path, c with { Since = t.AddSeconds(60) }, Stale));
        Assert.Equal(new LockResult.Acquired(legacy),
            await ServerSetup.AcquireDeployLockAsync(host, path, c with { Since = t.AddHours(2) }, Stale));
        Assert.True(await ServerSetup.ReleaseDeployLockAsync(host, path));
    }

    /// <summary>Concurrent acquires, each through one of <paramref name="hosts"/> (round robin): exactly one wins.</summary>
    public static async Task ConcurrentAsync(IReadOnlyList<IRemoteHost> hosts, string path, int contenders = 8)
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);
        var infos = Enumerable.Range(0, contenders).Select(i => new LockInfo($"deployer-{i}", t, "0.3.0")).ToArray();
        var results = await Task.WhenAll(infos.Select((info, i) =>
            Task.Run(() => ServerSetup.AcquireDeployLockAsync(hosts[i % hosts.Count], path, info, Stale))));
        var winners = results.Select((r, i) => (r, i)).Where(x => x.r is LockResult.Acquired).ToList();
        var winner = Assert.Single(winners);
        Assert.Equal(new LockResult.Acquired(null), winner.r);
        Assert.All(results.Where(r => r is LockResult.HeldBy), r => Assert.Equal(new LockResult.HeldBy(infos[winner.i]), r));
        Assert.Equal(infos[winner.i], await ServerSetup.ReadDeployLockAsync(hosts[0], path));
    }
}
