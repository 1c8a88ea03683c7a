namespace Nvoi.Credentials;

/// <summary>
/// Writes a file so that readers see either the old or the new content: the bytes go to PATH.tmp
/// (created fresh with mode 0600, never world-readable even briefly), are flushed to disk, then renamed over PATH.
/// When PATH is a symbolic link the write goes to its final target (the tmp file beside it), so the link stays a link.
/// </summary>
internal static class AtomicFile
{
    internal const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Test seam: called with "written" (data written, before fsync) and "rename" (before the rename).</summary>
    internal delegate void FaultHook(string stage, string tmpPath);

    /// <summary>Writes <paramref name="data"/> to <paramref name="path"/> atomically. On failure the tmp file is removed and PATH is untouched.</summary>
    public static void Write(string path, ReadOnlySpan<byte> data, FaultHook? fault = null)
    {
        var target = ResolveTarget(path);
        var tmp = target + ".tmp";
        var created = false;
        try
        {
            if (File.Exists(tmp)) File.Delete(tmp); // a stale tmp from a crash: its mode is unknown, start fresh
            using (var stream = CreateOwnerOnly(tmp))
            {
                created = true;
                stream.Write(data);
                fault?.Invoke("written", tmp);
                stream.Flush(flushToDisk: true);
            }
            fault?.Invoke("rename", tmp);
            File.Move(tmp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (created) TryDelete(tmp);
            throw new CredentialsException($"cannot write {path}: {e.Message}", e);
        }
        catch
        {
            if (created) TryDelete(tmp);
            throw;
        }
    }

    /// <summary>The file a write of <paramref name="path"/> replaces: the final target of a symbolic link (chains followed), else the path itself.</summary>
    public static string ResolveTarget(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is null) return path;
            return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsException($"cannot follow the symbolic link {path}: {e.Message}", e);
        }
    }

    /// <summary>Creates a new file that must not exist yet, mode 0600 on Unix.</summary>
    public static FileStream CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        return new FileStream(path, options);
    }

    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
