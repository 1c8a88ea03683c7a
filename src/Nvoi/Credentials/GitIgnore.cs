namespace Nvoi.Credentials;

/// <summary>Keeps deploy.key, the sandbox state (.nvoi/) and deploy.enc's lock file out of git.</summary>
public static class GitIgnore
{
    /// <summary>The block for the master key appended to .gitignore (as nvoi 0.2.0 wrote it).</summary>
    public const string Entry = "\n# NVOI master key (do not commit)\n" + KeyResolver.KeyFileName + "\n";

    /// <summary>The sandbox's state directory (it holds the config's secrets) and the lock files beside deploy.enc.</summary>
    public const string LocalState = ".nvoi/";

    /// <summary>Lock files of deploy.enc (<see cref="CredentialLock"/>), empty but local.</summary>
    public const string LockFiles = "*.enc" + CredentialLock.Suffix;

    private const string LocalComment = "# nvoi local state: sandbox (holds secrets) and deploy.enc lock files";

    /// <summary>
    /// Appends to <paramref name="workingDir"/>/.gitignore what is missing of: deploy.key (with its comment line),
    /// then .nvoi/ and *.enc.lock (with theirs). A line is listed when a line equal to it (trimmed) is there;
    /// the file is created if needed. Returns true when it changed the file.
    /// </summary>
    public static bool Ensure(string workingDir)
    {
        var path = Path.Combine(workingDir, ".gitignore");
        var content = File.Exists(path) ? File.ReadAllText(path) : "";
        var listed = content.Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

        var addition = "";
        if (!listed.Contains(KeyResolver.KeyFileName)) addition += Entry;
        var local = new[] { LocalState, LockFiles }.Where(e => !listed.Contains(e) && !(e == LocalState && listed.Contains(".nvoi"))).ToList();
        if (local.Count > 0) addition += "\n" + LocalComment + "\n" + string.Concat(local.Select(e => e + "\n"));
        if (addition.Length == 0) return false;

        if (content.Length > 0 && !content.EndsWith('\n')) addition = "\n" + addition;
        File.AppendAllText(path, addition);
        return true;
    }
}
