using System.Text;
using Nvoi.Hosts;
using Nvoi.Operations.Deploy;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>The deploy lock's observable contract, run against the real script (sshd) and the simulated host.</summary>
internal static class LockContract
{
    private static readonly TimeSpan Stale = TimeSpan.FromHours(1);
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);

    /// <summary>A process on the test's one machine (same host, boot and pid namespace), by pid.</summary>
    public static LockProcess Here(int pid) => new("deploy@ci", "boot-1", "pid:[4026531836]", pid);

    public static async Task SequenceAsync(IRemoteHost host, string path)
    {
        var a = new LockInfo("ana@laptop", T, "0.3.0") { BootId = "b-ana", PidNamespace = "pid:[1]", Pid = 41 };
        Assert.Null(await ServerSetup.ReadDeployLockAsync(host, path));
        Assert.Equal(new LockResult.Acquired(null), await ServerSetup.AcquireDeployLockAsync(host, path, a, Stale));
        var bob = new LockInfo("bob@ci", T.AddSeconds(10), "0.3.0") { BootId = "b-bob", PidNamespace = "pid:[1]", Pid = 7 };
        Assert.Equal(new LockResult.HeldBy(a), await ServerSetup.AcquireDeployLockAsync(host, path, bob, Stale));
        // A lock naming its process never goes stale with age: only proof of death (or `nvoi unlock`) frees it.
        Assert.Equal(new LockResult.HeldBy(a), await ServerSetup.AcquireDeployLockAsync(host, path, bob with { Since = T.AddDays(3) }, Stale));
        Assert.Equal(a, await ServerSetup.ReadDeployLockAsync(host, path));
        // The file starts with the bare Unix timestamp: nvoi 0.2.0 reads it with to_i and sees the lock as held.
        var text = (await host.RunCheckedAsync(["cat", path])).Stdout;
        Assert.StartsWith("1764000000\n", text);
        Assert.Equal(a.Format(), text);

        // Taking over needs the exact lock the caller proved dead; any other lock stays.
        var other = a with { Pid = 42 };
        Assert.Equal(new LockResult.HeldBy(a), await ServerSetup.AcquireDeployLockAsync(host, path, bob, Stale, takeOver: other));
        Assert.Equal(new LockResult.Acquired(a), await ServerSetup.AcquireDeployLockAsync(host, path, bob, Stale, takeOver: a));
        Assert.Equal(bob, await ServerSetup.ReadDeployLockAsync(host, path));

        // The holder that was taken over releases only its own lock: bob's stays.
        Assert.Equal(bob, await ServerSetup.ReleaseOwnDeployLockAsync(host, path, a));
        Assert.Equal(bob, await ServerSetup.ReadDeployLockAsync(host, path));
        Assert.Null(await ServerSetup.ReleaseOwnDeployLockAsync(host, path, bob));
        Assert.Null(await ServerSetup.ReadDeployLockAsync(host, path));
        Assert.Null(await ServerSetup.ReleaseOwnDeployLockAsync(host, path, bob));
        Assert.Equal(new LockResult.Acquired(null), await ServerSetup.AcquireDeployLockAsync(host, path, bob, Stale));

        Assert.True(await ServerSetup.ReleaseDeployLockAsync(host, path));
        Assert.False(await ServerSetup.ReleaseDeployLockAsync(host, path));
        Assert.Null(await ServerSetup.ReadDeployLockAsync(host, path));

        // A lock left by nvoi 0.2.0 (a bare Unix timestamp) follows 0.2.0's rule: stale after an hour.
        await host.UploadAsync(new MemoryStream(Encoding.ASCII.GetBytes("1764000000\n")), path);
        var legacy = new LockInfo("", T, "");
        Assert.Equal(legacy, await ServerSetup.ReadDeployLockAsync(host, path));
        Assert.Equal(new LockResult.HeldBy(legacy),
            await ServerSetup.AcquireDeployLockAsync(host, path, bob with { Since = T.AddSeconds(3599) }, Stale));
        Assert.Equal(new LockResult.Acquired(legacy),
            await ServerSetup.AcquireDeployLockAsync(host, path, bob with { Since = T.AddSeconds(3600) }, Stale));
        Assert.True(await ServerSetup.ReleaseDeployLockAsync(host, path));

        // So does one of our versions before 0.3 (key=value lines, no process).
        await host.UploadAsync(new MemoryStream(Encoding.ASCII.GetBytes("holder=carl@old\nsince=1764000000\nversion=0.2.9\n")), path);
        var older = new LockInfo("carl@old", T, "0.2.9");
        Assert.Equal(new LockResult.HeldBy(older), await ServerSetup.AcquireDeployLockAsync(host, path, bob with { Since = T.AddMinutes(59) }, Stale));
        Assert.Equal(new LockResult.Acquired(older), await ServerSetup.AcquireDeployLockAsync(host, path, bob with { Since = T.AddHours(2) }, Stale));
        Assert.True(await ServerSetup.ReleaseDeployLockAsync(host, path));
    }

    /// <summary>Concurrent acquires, each through one of <paramref name="hosts"/> (round robin): exactly one wins.</summary>
    public static async Task ConcurrentAsync(IReadOnlyList<IRemoteHost> hosts, string path, int contenders = 8)
    {
        var infos = Enumerable.Range(0, contenders).Select(i => Here(100 + i).Lock(T, "0.3.0")).ToArray();
        var results = await Task.WhenAll(infos.Select((info, i) =>
            Task.Run(() => ServerSetup.AcquireDeployLockAsync(hosts[i % hosts.Count], path, info, Stale))));
        var winners = results.Select((r, i) => (r, i)).Where(x => x.r is LockResult.Acquired).ToList();
        var winner = Assert.Single(winners);
        Assert.Equal(new LockResult.Acquired(null), winner.r);
        Assert.All(results.Where(r => r is LockResult.HeldBy), r => Assert.Equal(new LockResult.HeldBy(infos[winner.i]), r));
        Assert.Equal(infos[winner.i], await ServerSetup.ReadDeployLockAsync(hosts[0], path));
    }

    /// <summary>
    /// A lock left by a dead process of this machine, and <paramref name="contenders"/> deploys of this machine racing
    /// for it: each proves the holder dead, exactly one takes it over, the others find the winner (alive) holding it.
    /// </summary>
    public static async Task DeadHolderRaceAsync(IReadOnlyList<IRemoteHost> hosts, string path, int contenders = 8)
    {
        var dead = Here(99).Lock(T, "0.3.0");
        Assert.Equal(new LockResult.Acquired(null), await ServerSetup.AcquireDeployLockAsync(hosts[0], path, dead, Stale));
        var processes = Enumerable.Range(0, contenders).Select(i => Here(200 + i)).ToArray();
        var tookOver = new int[contenders];
        var results = await Task.WhenAll(processes.Select((p, i) => Task.Run(() => LockHolder.AcquireAsync(hosts[i % hosts.Count], path, p,
            T.AddSeconds(5), "0.3.0", Stale, pid => pid != 99, _ => Interlocked.Increment(ref tookOver[i]), default))));
        var winner = Assert.Single(results.Select((r, i) => (r, i)), x => x.r is LockResult.Acquired);
        Assert.Equal(new LockResult.Acquired(dead), winner.r);
        Assert.Equal(1, tookOver.Sum());
        Assert.Equal(1, tookOver[winner.i]);
        var mine = processes[winner.i].Lock(T.AddSeconds(5), "0.3.0");
        Assert.All(results.Where(r => r is LockResult.HeldBy), r => Assert.Equal(new LockResult.HeldBy(mine), r));
        Assert.Equal(mine, await ServerSetup.ReadDeployLockAsync(hosts[0], path));
    }

    /// <summary>
    /// A live deploy in another pid namespace of the same user@host and boot (a container): its pid means nothing
    /// here (it "is gone" from where we look), yet no contender takes its lock over.
    /// </summary>
    public static async Task LiveHolderElsewhereRaceAsync(IReadOnlyList<IRemoteHost> hosts, string path, int contenders = 8)
    {
        var elsewhere = Here(99) with { PidNamespace = "pid:[4026532177]" };
        var held = elsewhere.Lock(T, "0.3.0");
        Assert.Equal(new LockResult.Acquired(null), await ServerSetup.AcquireDeployLockAsync(hosts[0], path, held, Stale));
        var results = await Task.WhenAll(Enumerable.Range(0, contenders).Select(i => Task.Run(() => LockHolder.AcquireAsync(
            hosts[i % hosts.Count], path, Here(300 + i), T.AddHours(5), "0.3.0", Stale, _ => false, _ => throw new InvalidOperationException("took over"), default))));
        Assert.All(results, r => Assert.Equal(new LockResult.HeldBy(held), r));
        Assert.Equal(held, await ServerSetup.ReadDeployLockAsync(hosts[0], path));
    }
}
