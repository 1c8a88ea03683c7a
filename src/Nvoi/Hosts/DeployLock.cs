using System.Globalization;
using System.Text;

namespace Nvoi.Hosts;

/// <summary>Who holds the deploy lock, since when, with which nvoi version.</summary>
/// <param name="Holder">Who took it (e.g. <c>user@host</c>); empty for a nvoi 0.2.0 lock.</param>
/// <param name="Since">When it was taken (whole seconds).</param>
/// <param name="Version">nvoi version of the holder; empty for a nvoi 0.2.0 lock.</param>
public sealed record LockInfo(string Holder, DateTimeOffset Since, string Version)
{
    /// <summary>How old the lock is at <paramref name="now"/>.</summary>
    public TimeSpan Age(DateTimeOffset now) => now - Since;

    /// <summary>The lock file's text: <c>holder=</c>, <c>since=</c> (Unix seconds), <c>version=</c> lines.</summary>
    public string Format() => new StringBuilder()
        .Append("holder=").Append(Holder).Append('\n')
        .Append("since=").Append(Since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('\n')
        .Append("version=").Append(Version).Append('\n')
        .ToString();

    /// <summary>
    /// Parses a lock file: key=value lines, or a bare Unix timestamp as nvoi 0.2.0 wrote it.
    /// Returns null when the text is neither.
    /// </summary>
    public static LockInfo? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            return null;
        }
        if (long.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bare))
        {
            return new LockInfo("", DateTimeOffset.FromUnixTimeSeconds(bare), "");
        }
        string holder = "", version = "";
        long? since = null;
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
                case "since" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s): since = s; break;
            }
        }
        return since is { } t ? new LockInfo(holder, DateTimeOffset.FromUnixTimeSeconds(t), version) : null;
    }
}

/// <summary>The outcome of trying to take the deploy lock.</summary>
public abstract record LockResult
{
    private LockResult() { }

    /// <summary>The lock is ours. <paramref name="ReplacedStale"/> is the stale lock it replaced, if any.</summary>
    public sealed record Acquired(LockInfo? ReplacedStale) : LockResult;

    /// <summary>Someone else holds a lock that is not stale.</summary>
    public sealed record HeldBy(LockInfo Lock) : LockResult;
}
