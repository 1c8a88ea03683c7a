using System.Globalization;
using System.Text;

namespace Nvoi.Hosts;

/// <summary>
/// Who holds the deploy lock, since when, with which nvoi version, and which process it is: the host's boot id
/// and pid namespace with the pid, so a deploy on the same machine can prove the holder dead (and no other can).
/// </summary>
/// <param name="Holder">Who took it (<c>user@host</c>); empty for a nvoi 0.2.0 lock.</param>
/// <param name="Since">When it was taken (whole seconds).</param>
/// <param name="Version">nvoi version of the holder; empty for a nvoi 0.2.0 lock.</param>
public sealed record LockInfo(string Holder, DateTimeOffset Since, string Version)
{
    /// <summary>The holder machine's boot id (/proc/sys/kernel/random/boot_id); empty when unknown.</summary>
    public string BootId { get; init; } = "";

    /// <summary>The holder's pid namespace (the /proc/self/ns/pid link, e.g. <c>pid:[4026531836]</c>); empty when unknown.</summary>
    public string PidNamespace { get; init; } = "";

    /// <summary>The holder's process id inside <see cref="PidNamespace"/>; 0 when unknown.</summary>
    public int Pid { get; init; }

    /// <summary>
    /// True for a lock that names its process (written by this nvoi): it never goes stale with age, only a
    /// provably dead holder or <c>nvoi unlock</c> frees it. A lock without (nvoi 0.2.0's bare timestamp, or one
    /// of our versions before 0.3) follows 0.2.0's rule: stale after an hour.
    /// </summary>
    public bool NamesProcess => Pid > 0;

    /// <summary>The holder for people: <c>user@host (pid N)</c>, or that nvoi 0.2.0 took it (its lock names no one).</summary>
    public string Who => Holder.Length == 0 ? "nvoi 0.2.0" : NamesProcess ? $"{Holder} (pid {Pid})" : Holder;

    /// <summary>How old the lock is at <paramref name="now"/>.</summary>
    public TimeSpan Age(DateTimeOffset now) => now - Since;

    /// <summary>
    /// The lock file's text. The first line is the bare Unix timestamp (what nvoi 0.2.0 writes and reads with
    /// <c>to_i</c>, so 0.2.0 sees the lock as held), then <c>holder=</c>, <c>boot=</c>, <c>pidns=</c>,
    /// <c>pid=</c> and <c>version=</c> lines.
    /// </summary>
    public string Format() => new StringBuilder()
        .Append(Since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('\n')
        .Append("holder=").Append(Holder).Append('\n')
        .Append("boot=").Append(BootId).Append('\n')
        .Append("pidns=").Append(PidNamespace).Append('\n')
        .Append("pid=").Append(Pid.ToString(CultureInfo.InvariantCulture)).Append('\n')
        .Append("version=").Append(Version).Append('\n')
        .ToString();

    /// <summary>
    /// Parses a lock file: ours (a Unix timestamp line, then key=value lines), one of our versions before 0.3
    /// (key=value lines with <c>since=</c>), or a bare Unix timestamp as nvoi 0.2.0 wrote it.
    /// Returns null when the text is none of these.
    /// </summary>
    public static LockInfo? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            return null;
        }
        long? since = long.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bare) ? bare : null;
        string holder = "", version = "", boot = "", pidns = "";
        var pid = 0;
        foreach (var line in lines)
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                continue;
            }
            var value = line[(eq + 1)..];
            switch (line[..eq])
            {
                case "holder": holder = value; break;
                case "version": version = value; break;
                case "boot": boot = value; break;
                case "pidns": pidns = value; break;
                case "pid" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p): pid = p; break;
                case "since" when since is null && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s): since = s; break;
            }
        }
        return since is { } t
            ? new LockInfo(holder, DateTimeOffset.FromUnixTimeSeconds(t), version) { BootId = boot, PidNamespace = pidns, Pid = pid }
            : null;
    }
}

/// <summary>The outcome of trying to take the deploy lock.</summary>
public abstract record LockResult
{
    private LockResult() { }

    /// <summary>
    /// The lock is ours. <paramref name="Replaced"/> is the lock it replaced, if any: a stale one without a process
    /// (nvoi 0.2.0's rule), or the one the caller proved dead.
    /// </summary>
    public sealed record Acquired(LockInfo? Replaced) : LockResult;

    /// <summary>Someone else holds the lock (alive, or not provably dead).</summary>
    public sealed record HeldBy(LockInfo Lock) : LockResult;
}
