namespace Nvoi.Credentials;

/// <summary>Keeps deploy.key out of git.</summary>
public static class GitIgnore
{
    /// <summary>The block appended to .gitignore.</summary>
    public const string Entry = "\n# NVOI master key (do not commit)\n" + KeyResolver.KeyFileName + "\n";

    /// <summary>
    /// Appends deploy.key (with a comment line) to <paramref name="workingDir"/>/.gitignore unless a line equal to
    /// "deploy.key" (trimmed) is already there; creates the file if needed. Returns true when it changed the file.
    /// </summary>
    public static bool Ensure(string workingDir)
    {
        var path = Path.Combine(workingDir, ".gitignore");
        var content = File.Exists(path) ? File.ReadAllText(path) : "";
        foreach (var line in content.Split('\n'))
            if (line.Trim() == KeyResolver.KeyFileName) return false;

        var addition = content.Length > 0 && !content.EndsWith('\n') ? "\n" + Entry : Entry;
        File.AppendAllText(path, addition);
        return true;
    }
}
