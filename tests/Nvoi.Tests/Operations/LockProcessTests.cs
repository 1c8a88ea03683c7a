using System.Diagnostics;
using Nvoi.Hosts;
using Nvoi.Operations.Deploy;

namespace Nvoi.Tests.Operations;

/// <summary>When a deploy may take over a lock: only when it proves the holder dead from where it runs.</summary>
public class LockProcessTests
{
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);
    private static readonly LockProcess Us = new("ana@laptop", "boot-1", "pid:[4026531836]", 100);
    private static readonly Func<int, bool> NothingRuns = _ => false;

    private static LockInfo Lock(LockProcess p) => p.Lock(T, "0.3.0");

    [Fact]
    public void A_gone_process_of_the_same_host_boot_and_namespace_is_dead() =>
        Assert.True(Us.ProvesDead(Lock(Us with { Pid = 7 }), NothingRuns));

    [Fact]
    public void The_same_host_written_in_another_case_or_by_another_user_is_the_same_machine() =>
        Assert.True(Us.ProvesDead(Lock(Us with { Holder = "root@LAPTOP", Pid = 7 }), NothingRuns));

    [Theory]
    [InlineData("ana@other", "boot-1", "pid:[4026531836]", 7)]   // another machine
    [InlineData("ana@laptop", "boot-2", "pid:[4026531836]", 7)]  // rebooted since: pids are reused
    [InlineData("ana@laptop", "boot-1", "pid:[4026532177]", 7)]  // a container (another pid namespace) of the same user@host
    [InlineData("ana@laptop", "", "pid:[4026531836]", 7)]        // boot id unknown (no /proc there)
    [InlineData("ana@laptop", "boot-1", "", 7)]                  // pid namespace unknown
    [InlineData("ana@laptop", "boot-1", "pid:[4026531836]", 100)] // our own pid: another deploy of this very process
    public void Anything_else_is_no_proof(string holder, string boot, string pidns, int pid) =>
        Assert.False(Us.ProvesDead(Lock(new LockProcess(holder, boot, pidns, pid)), NothingRuns));

    [Fact]
    public void A_running_pid_is_alive_and_a_lock_without_a_process_is_never_proven_dead()
    {
        Assert.False(Us.ProvesDead(Lock(Us with { Pid = 7 }), pid => pid == 7));
        Assert.False(Us.ProvesDead(new LockInfo("", T, ""), NothingRuns));                  // nvoi 0.2.0
        Assert.False(Us.ProvesDead(new LockInfo("ana@laptop", T, "0.2.9"), NothingRuns));    // ours before 0.3
        Assert.False(new LockProcess("ana@laptop", "", "", 100).ProvesDead(Lock(new LockProcess("ana@laptop", "", "", 7)), NothingRuns));
    }

    [Fact]
    public void This_process_reads_its_boot_id_and_pid_namespace_from_proc()
    {
        var me = LockProcess.Current();
        Assert.Equal(Environment.ProcessId, me.Pid);
        Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", me.Holder);
        Assert.Equal(File.ReadAllText(LockProcess.BootIdPath).Trim(), me.BootId);
        Assert.Matches(@"^pid:\[\d+\]$", me.PidNamespace);
        Assert.True(LockProcess.IsRunning(Environment.ProcessId));
        Assert.False(LockProcess.IsRunning(int.MaxValue));
    }

    /// <summary>
    /// A real process in a new pid namespace (unshare, as a container would be) on this machine: same user@host and boot
    /// id, a pid namespace of its own. Whatever its pid means here, it is never taken for dead while it runs.
    /// </summary>
    [Fact]
    public async Task A_live_process_in_another_pid_namespace_is_not_proven_dead()
    {
        var start = new ProcessStartInfo("unshare", ["--pid", "--fork", "--user", "--map-root-user", "sh", "-c",
            $"readlink {LockProcess.PidNamespacePath}; cat {LockProcess.BootIdPath}; echo $$; exec cat"])
        { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var child = Process.Start(start)!;
        try
        {
            var pidns = await child.StandardOutput.ReadLineAsync();
            if (pidns is null) Assert.Fail("unshare failed: " + await child.StandardError.ReadToEndAsync());
            var boot = await child.StandardOutput.ReadLineAsync();
            var pid = int.Parse((await child.StandardOutput.ReadLineAsync())!);
            var me = LockProcess.Current();
            var theirs = new LockProcess(me.Holder, boot!, pidns!, pid).Lock(T, "0.3.0");
            Assert.Equal(me.BootId, theirs.BootId);
            Assert.NotEqual(me.PidNamespace, theirs.PidNamespace);
            // Even if its pid (1 in its namespace) ran nowhere here, the namespace differs: no proof.
            Assert.False(me.ProvesDead(theirs, NothingRuns));
            Assert.False(me.ProvesDead(theirs, LockProcess.IsRunning));
            // The same lock in our namespace with a pid that is gone is proof: the check above is what stops it.
            Assert.True(me.ProvesDead(theirs with { PidNamespace = me.PidNamespace, Pid = int.MaxValue }, LockProcess.IsRunning));
        }
        finally
        {
            child.StandardInput.Close();
            await child.WaitForExitAsync();
        }
    }
}
