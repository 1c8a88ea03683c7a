using System.Diagnostics;
using Nvoi.Hosts;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>
/// The deploying process as the deploy lock names it: <c>user@host</c>, the machine's boot id, its pid namespace and
/// its pid. Together they let a later deploy prove the holder dead: only on the same machine (same host and boot id),
/// in the same pid namespace (a container sees other pids), and only when that pid runs no more.
/// </summary>
public sealed record LockProcess(string Holder, string BootId, string PidNamespace, int Pid)
{
    /// <summary>The machine's boot id; a new one every boot.</summary>
    public const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    /// <summary>A link naming this process's pid namespace, e.g. <c>pid:[4026531836]</c>.</summary>
    public const string PidNamespacePath = "/proc/self/ns/pid";

    /// <summary>This process. Boot id and pid namespace are empty where /proc does not have them (macOS, Windows).</summary>
    public static LockProcess Current() =>
        new($"{Environment.UserName}@{Environment.MachineName}", ReadBootId(), ReadPidNamespace(), Environment.ProcessId);

    /// <summary>The lock this process writes, taken at <paramref name="since"/>.</summary>
    public LockInfo Lock(DateTimeOffset since, string version) =>
        new(Holder, since, version) { BootId = BootId, PidNamespace = PidNamespace, Pid = Pid };

    /// <summary>Whether a process with this pid runs in our pid namespace (a zombie counts as running).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false; // it exited while we looked
        }
    }

    private static string ReadBootId()
    {
        try
        {
            return File.ReadAllText(BootIdPath).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string ReadPidNamespace()
    {
        try
        {
            return new FileInfo(PidNamespacePath).LinkTarget ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private string Host => Holder[(Holder.LastIndexOf('@') + 1)..];

    /// <summary>
    /// True only when <paramref name="theirs"/> provably no longer runs, seen from this process: it names a process,
    /// on this host with this boot id (so a pid means the same machine and the same boot), in this pid namespace (so
    /// its pid means what ours would), that is not <paramref name="isRunning"/>. Anything else (another machine, a
    /// reboot since, a container, an unknown boot id, a lock of nvoi 0.2.0) is not proof.
    /// </summary>
    public bool ProvesDead(LockInfo theirs, Func<int, bool> isRunning)
    {
        ArgumentNullException.ThrowIfNull(theirs);
        ArgumentNullException.ThrowIfNull(isRunning);
        if (!theirs.NamesProcess || BootId.Length == 0 || PidNamespace.Length == 0) return false;
        var theirHost = theirs.Holder[(theirs.Holder.LastIndexOf('@') + 1)..];
        if (theirHost.Length == 0 || !string.Equals(theirHost, Host, StringComparison.OrdinalIgnoreCase)) return false;
        if (theirs.BootId != BootId || theirs.PidNamespace != PidNamespace) return false;
        return theirs.Pid != Pid && !isRunning(theirs.Pid);
    }
}

/// <summary>Takes the deploy lock for a process, taking over a lock whose holder it proves dead.</summary>
public static class LockHolder
{
    /// <summary>
    /// Takes the lock at <paramref name="path"/> as <paramref name="process"/>. When another process holds it and
    /// <see cref="LockProcess.ProvesDead"/>, the lock is taken over in one atomic step on the server (only if it still
    /// is that exact lock), and <paramref name="tookOver"/> hears of it. Returns the final result.
    /// </summary>
    public static async Task<LockResult> AcquireAsync(IRemoteHost master, string path, LockProcess process, DateTimeOffset now,
        string version, TimeSpan staleAfter, Func<int, bool> isRunning, Action<LockInfo>? tookOver, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(process);
        var mine = process.Lock(now, version);
        var result = await ServerSetup.AcquireDeployLockAsync(master, path, mine, staleAfter, ct).ConfigureAwait(false);
        if (result is LockResult.HeldBy held && process.ProvesDead(held.Lock, isRunning))
        {
            result = await ServerSetup.AcquireDeployLockAsync(master, path, mine, staleAfter, ct, takeOver: held.Lock).ConfigureAwait(false);
            if (result is LockResult.Acquired { Replaced: { } dead }) tookOver?.Invoke(dead);
        }
        return result;
    }
}
