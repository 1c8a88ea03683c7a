using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Nvoi.Cli.Hosting;

/// <summary>
/// Where `credentials edit` keeps the decrypted config while the editor runs: <c>deploy.yml</c> (0600) in a
/// fresh <c>nvoi-edit-*</c> directory (0700), in <c>/dev/shm</c> when there is one (memory, never a disk),
/// else the temporary directory. The directory is removed on dispose and, before the process goes, on
/// SIGINT (once or repeated), SIGTERM, SIGHUP and SIGQUIT: the signal handlers remove it first, then the
/// signal takes its course. (SIGKILL allows no handler; the directory is owner-only and in memory.)
/// </summary>
internal sealed class EditorScratch : IDisposable
{
    private static readonly PosixSignal[] Signals = [PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT];
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Lock _sync = new();
    private bool _removed;

    public string DirectoryPath { get; }
    public string FilePath { get; }

    private EditorScratch(string directory)
    {
        DirectoryPath = directory;
        FilePath = Path.Combine(directory, "deploy.yml");
    }

    /// <summary>Creates the directory, arms the signal handlers, then writes <paramref name="text"/> into the file.</summary>
    public static EditorScratch Create(string text)
    {
        var scratch = new EditorScratch(NewDirectory());
        try
        {
            foreach (var signal in Signals)
                scratch._registrations.Add(PosixSignalRegistration.Create(signal, context => scratch.OnSignal(context)));
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
            using var stream = new FileStream(scratch.FilePath, options);
            using var writer = new StreamWriter(stream);
            writer.Write(text);
        }
        catch
        {
            scratch.Dispose();
            throw;
        }
        return scratch;
    }

    private static string NewDirectory()
    {
        var parent = OperatingSystem.IsLinux() && Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var path = Path.Combine(parent, "nvoi-edit-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        try
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
            else Directory.CreateDirectory(path, OwnerOnlyFile | UnixFileMode.UserExecute);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && parent != Path.GetTempPath())
        {
            return Directory.CreateTempSubdirectory("nvoi-edit-").FullName; // 0700
        }
    }

    // The runtime does not end the process itself for every one of these signals (SIGHUP is survived),
    // so the handler ends it, with the shell's code for a death by that signal (128 + its number).
    private void OnSignal(PosixSignalContext context)
    {
        Remove();
        context.Cancel = true;
        var number = context.Signal switch
        {
            PosixSignal.SIGHUP => 1,
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGQUIT => 3,
            _ => 15,
        };
        Console.Error.WriteLine($"{SignalName(context.Signal)}: the edit was abandoned, nothing was written");
        Environment.Exit(128 + number);
    }

    private static string SignalName(PosixSignal signal) => signal.ToString().ToLowerInvariant() switch
    {
        "sighup" => "hang-up", "sigint" => "interrupted", "sigquit" => "quit", _ => "terminated",
    };

    /// <summary>Removes the directory and its file (once; safe from a signal handler's thread).</summary>
    private void Remove()
    {
        lock (_sync)
        {
            if (_removed) return;
            try
            {
                Directory.Delete(DirectoryPath, recursive: true);
                _removed = true;
            }
            catch (DirectoryNotFoundException) { _removed = true; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still there (a file held open on a system that forbids deleting it): overwrite what can be.
                try { File.WriteAllText(FilePath, ""); } catch (Exception inner) when (inner is IOException or UnauthorizedAccessException) { }
            }
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _registrations.Clear();
        Remove();
    }
}
