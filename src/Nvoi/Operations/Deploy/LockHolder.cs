using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Nvoi.Operations.Deploy;

/// <summary>Who holds a deploy lock: <c>user@machine (pid N)</c>.</summary>
public static partial class LockHolder
{
    public static string Current() => $"{Environment.UserName}@{Environment.MachineName} (pid {Environment.ProcessId})";

    /// <summary>
    /// True when the lock was taken on this same machine (same user@machine as <paramref name="current"/>) by a process
    /// that no longer runs: a deploy that was killed. Locks of other machines only go stale with time.
    /// </summary>
    public static bool IsGoneFromThisMachine(string holder, string current)
    {
        var theirs = Pattern().Match(holder);
        var ours = Pattern().Match(current);
        if (!theirs.Success || !ours.Success || theirs.Groups["who"].Value != ours.Groups["who"].Value) return false;
        var pid = int.Parse(theirs.Groups["pid"].Value);
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
    }

    [GeneratedRegex(@"^(?<who>\S+@\S+) \(pid (?<pid>\d+)\)$")]
    private static partial Regex Pattern();
}
