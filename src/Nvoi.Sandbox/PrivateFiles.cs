namespace Nvoi.Sandbox;

/// <summary>
/// The sandbox's state holds the config's secrets (the Kubernetes emulator keeps the app's Secrets, the
/// simulated hosts keep uploaded files and database dumps): its directories are created 0700 and its files
/// 0600, and the sandbox directory ignores itself in git.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> and each missing parent 0700; an existing <paramref name="path"/> is set to 0700.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        var missing = new Stack<string>();
        for (var dir = Path.GetFullPath(path); !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
            missing.Push(dir);
        while (missing.TryPop(out var dir)) Directory.CreateDirectory(dir, OwnerOnlyDirectory);
        File.SetUnixFileMode(path, OwnerOnlyDirectory);
    }

    /// <summary>The sandbox's root: 0700, with a <c>.gitignore</c> of <c>*</c> so git never picks up its state.</summary>
    public static void CreateStateRoot(string path)
    {
        CreateDirectory(path);
        var ignore = Path.Combine(path, ".gitignore");
        if (!File.Exists(ignore)) WriteAllText(ignore, "# nvoi sandbox state: holds the config's secrets, never commit it\n*\n");
    }

    /// <summary>A new file, 0600 from its creation (a stale file at the path is replaced).</summary>
    public static FileStream Create(string path)
    {
        if (File.Exists(path)) File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        return new FileStream(path, options);
    }

    public static void WriteAllText(string path, string text)
    {
        using var stream = Create(path);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    public static async Task WriteAllTextAsync(string path, string text)
    {
        await using var stream = Create(path);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(text).ConfigureAwait(false);
    }

    /// <summary>Opens (creating it 0600 when missing) a lock file exclusively.</summary>
    public static FileStream OpenExclusive(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        return new FileStream(path, options);
    }
}
