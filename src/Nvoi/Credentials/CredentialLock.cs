using System.Runtime.InteropServices;

namespace Nvoi.Credentials;

/// <summary>
/// The exclusive lock every writer of deploy.enc holds across its whole read–modify–write: an
/// <c>flock(2)</c> on <c>deploy.enc.lock</c> beside the file (beside the symlink's target when deploy.enc
/// is a link, so two paths to one file share one lock). The kernel drops the lock when the process ends,
/// however it ends, so a crash never leaves a stale lock; the empty lock file itself stays.
/// A writer that finds the lock held says so once (through <c>onWait</c>) and waits for it.
/// </summary>
public sealed class CredentialLock : IDisposable
{
    /// <summary>Appended to the (resolved) deploy.enc path to name the lock file.</summary>
    public const string Suffix = ".lock";

    private readonly int _fd = -1;
    private readonly FileStream? _windowsStream;
    private bool _disposed;

    /// <summary>The lock file's full path.</summary>
    public string LockPath { get; }

    private CredentialLock(string lockPath, int fd, FileStream? windowsStream)
    {
        LockPath = lockPath;
        _fd = fd;
        _windowsStream = windowsStream;
    }

    /// <summary>The lock file of <paramref name="encryptedPath"/>: its final target's path plus <see cref="Suffix"/>.</summary>
    public static string PathFor(string encryptedPath) => AtomicFile.ResolveTarget(Path.GetFullPath(encryptedPath)) + Suffix;

    /// <summary>
    /// Takes the lock of <paramref name="encryptedPath"/>, waiting as long as another process holds it.
    /// <paramref name="onWait"/> is called once, before waiting, with the message to show.
    /// </summary>
    public static CredentialLock Acquire(string encryptedPath, Action<string>? onWait = null)
    {
        var lockPath = PathFor(encryptedPath);
        try { Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsException($"cannot create directory for {lockPath}: {e.Message}", e);
        }
        var waiting = $"waiting for {encryptedPath}, held by another nvoi";
        return OperatingSystem.IsWindows() ? AcquireWindows(lockPath, () => onWait?.Invoke(waiting)) : AcquireUnix(lockPath, () => onWait?.Invoke(waiting));
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static CredentialLock AcquireUnix(string lockPath, Action onWait)
    {
        // Created owner-only if missing, then opened without FileStream: .NET takes its own non-blocking
        // flock on open, which fails (instead of waiting) while another process holds ours.
        if (!File.Exists(lockPath))
        {
            try
            {
                using var _ = new FileStream(lockPath, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete,
                    UnixCreateMode = AtomicFile.OwnerOnly,
                });
            }
            catch (IOException) { } // another nvoi created it first (and may hold it already)
            catch (UnauthorizedAccessException e) { throw new CredentialsException($"cannot create lock file {lockPath}: {e.Message}", e); }
        }
        var flags = OperatingSystem.IsMacOS() ? 0x2 | 0x1000000 : 0x2 | 0x80000; // O_RDWR | O_CLOEXEC
        int fd;
        do fd = Open(lockPath, flags);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (fd < 0) throw new CredentialsException($"cannot open lock file {lockPath}: {Errno()}");

        if (Flock(fd, LOCK_EX | LOCK_NB) == 0) return new CredentialLock(lockPath, fd, null);
        if (Marshal.GetLastPInvokeError() is not (EWOULDBLOCK_LINUX or EWOULDBLOCK_MAC or EINTR))
        {
            var error = Errno();
            Close(fd);
            throw new CredentialsException($"cannot lock {lockPath}: {error}");
        }
        onWait();
        while (Flock(fd, LOCK_EX) != 0)
        {
            if (Marshal.GetLastPInvokeError() == EINTR) continue;
            var error = Errno();
            Close(fd);
            throw new CredentialsException($"cannot lock {lockPath}: {error}");
        }
        return new CredentialLock(lockPath, fd, null);
    }

    // Windows has no blocking advisory lock for a FileStream: the exclusive open is the lock, retried.
    private static CredentialLock AcquireWindows(string lockPath, Action onWait)
    {
        var told = false;
        while (true)
        {
            try
            {
                return new CredentialLock(lockPath, -1, new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                if (!told) onWait();
                told = true;
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Releases the lock (closing the descriptor releases the flock).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_fd >= 0) Close(_fd);
        _windowsStream?.Dispose();
    }

    private const int LOCK_EX = 2;
    private const int LOCK_NB = 4;
    private const int EINTR = 4;
    private const int EWOULDBLOCK_LINUX = 11;
    private const int EWOULDBLOCK_MAC = 35;

    private static string Errno() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static extern int Flock(int fd, int operation);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
