using System.Globalization;
using Nvoi.Remote;

namespace Nvoi.Hosts;

public static partial class ServerSetup
{
    /// <summary>How old a deploy lock must be before another deploy replaces it (0.2.0: 3600 s).</summary>
    public static readonly TimeSpan DefaultLockStaleAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// Takes the deploy lock at <paramref name="path"/> atomically (two concurrent deploys cannot both get it, under
    /// flock on the server). An existing lock is replaced only when it is <paramref name="takeOver"/> (a holder the
    /// caller proved dead; compared under the flock, so of several callers only one replaces it), or when it names no
    /// process (nvoi 0.2.0's) and is older than <paramref name="staleAfter"/> at <c>lockInfo.Since</c>.
    /// </summary>
    public static async Task<LockResult> AcquireDeployLockAsync(IRemoteHost master, string path, LockInfo lockInfo,
        TimeSpan staleAfter, CancellationToken cancellationToken = default, LockInfo? takeOver = null)
    {
        RequireAbsolutePath(path, nameof(path));
        ArgumentNullException.ThrowIfNull(lockInfo);
        RequireLine(lockInfo.Holder, nameof(lockInfo.Holder));
        RequireLine(lockInfo.Version, nameof(lockInfo.Version));
        RequireLine(lockInfo.BootId, nameof(lockInfo.BootId));
        RequireLine(lockInfo.PidNamespace, nameof(lockInfo.PidNamespace));
        string[] takeOverArgument = takeOver is null ? [] : [takeOver.Format().TrimEnd('\n')];
        var result = await RunScriptAsync(master, HostScripts.DeployLock, "take the deploy lock",
            ["acquire", path, Unix(lockInfo.Since), Seconds(staleAfter), lockInfo.Format().TrimEnd('\n'), .. takeOverArgument],
            null, cancellationToken).ConfigureAwait(false);
        var (status, content) = SplitLockOutput(result.Stdout);
        return status switch
        {
            "acquired" => new LockResult.Acquired(null),
            "replaced-stale" or "replaced-dead" => new LockResult.Acquired(LockInfo.Parse(content)),
            "held" => new LockResult.HeldBy(LockInfo.Parse(content)
                ?? throw new HostSetupException(master.Server, "take the deploy lock", 0, "unreadable lock file " + path)),
            _ => throw new HostSetupException(master.Server, "take the deploy lock", 0, "unexpected answer: " + status),
        };
    }

    /// <summary>The deploy lock at <paramref name="path"/>, or null when there is none (or it is unreadable).</summary>
    public static async Task<LockInfo?> ReadDeployLockAsync(IRemoteHost master, string path, CancellationToken cancellationToken = default)
    {
        RequireAbsolutePath(path, nameof(path));
        var result = await RunScriptAsync(master, HostScripts.DeployLock, "read the deploy lock", ["read", path],
            null, cancellationToken).ConfigureAwait(false);
        var (status, content) = SplitLockOutput(result.Stdout);
        return status == "present" ? LockInfo.Parse(content) : null;
    }

    /// <summary>Removes the deploy lock. Returns false when there was none (calling it twice is fine).</summary>
    public static async Task<bool> ReleaseDeployLockAsync(IRemoteHost master, string path, CancellationToken cancellationToken = default)
    {
        RequireAbsolutePath(path, nameof(path));
        var result = await RunScriptAsync(master, HostScripts.DeployLock, "release the deploy lock", ["release", path],
            null, cancellationToken).ConfigureAwait(false);
        return SplitLockOutput(result.Stdout).Status == "released";
    }

    /// <summary>
    /// Removes the deploy lock only while it still is <paramref name="own"/> (compared under the flock). Returns
    /// null when it was removed or there was none, else the lock that replaced ours (left in place).
    /// </summary>
    public static async Task<LockInfo?> ReleaseOwnDeployLockAsync(IRemoteHost master, string path, LockInfo own,
        CancellationToken cancellationToken = default)
    {
        RequireAbsolutePath(path, nameof(path));
        ArgumentNullException.ThrowIfNull(own);
        var result = await RunScriptAsync(master, HostScripts.DeployLock, "release the deploy lock", ["release", path, own.Format().TrimEnd('\n')],
            null, cancellationToken).ConfigureAwait(false);
        var (status, content) = SplitLockOutput(result.Stdout);
        return status == "not-ours"
            ? LockInfo.Parse(content) ?? new LockInfo("", DateTimeOffset.UnixEpoch, "")
            : null;
    }

    private static (string Status, string Content) SplitLockOutput(string stdout)
    {
        var text = stdout.Replace("\r", "", StringComparison.Ordinal);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var first = newline < 0 ? text : text[..newline];
        var rest = newline < 0 ? "" : text[(newline + 1)..];
        return (first.StartsWith("lock: ", StringComparison.Ordinal) ? first["lock: ".Length..].Trim() : first.Trim(), rest);
    }

    private static string Unix(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
