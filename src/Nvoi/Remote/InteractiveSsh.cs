using System.Diagnostics;
using System.Text;

namespace Nvoi.Remote;

/// <summary>
/// Interactive shells (<c>nvoi exec -i</c>) through the system <c>ssh</c> client, with the
/// deploy key and the pinned host key written to temporary 0600 files that are removed afterwards.
/// </summary>
public static class InteractiveSsh
{
    /// <summary>
    /// The ssh argv (program first) for <paramref name="endpoint"/>: strict host key checking
    /// against <paramref name="knownHostsFile"/> only, the given identity only.
    /// <paramref name="remoteCommand"/>, if any, is quoted by <see cref="ShellQuote"/>.
    /// </summary>
    public static IReadOnlyList<string> BuildArgv(SshEndpoint endpoint, string user, string keyFile, string knownHostsFile,
        IReadOnlyList<string>? remoteCommand = null)
    {
        var argv = new List<string>
        {
            "ssh",
            "-i", keyFile,
            "-o", "UserKnownHostsFile=" + knownHostsFile,
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "UpdateHostKeys=no",
            "-o", "IdentitiesOnly=yes",
            "-o", "IdentityAgent=none",
            "-o", "HostKeyAlias=" + Alias(endpoint),
            "-p", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (remoteCommand is null)
        {
            argv.Add("-t");
        }
        argv.Add(user + "@" + endpoint.Host);
        if (remoteCommand is { Count: > 0 })
        {
            argv.Add("--");
            argv.Add(ShellQuote.Join(remoteCommand));
        }
        return argv;
    }

    /// <summary>The known_hosts line pinning <paramref name="hostKey"/> for <paramref name="endpoint"/>.</summary>
    public static string KnownHostsLine(SshEndpoint endpoint, HostKey hostKey) => Alias(endpoint) + " " + hostKey + "\n";

    /// <summary>
    /// Writes the key and known_hosts files into a fresh private temp directory. Dispose the
    /// result to delete them.
    /// </summary>
    public static InteractiveSshFiles Prepare(SshEndpoint endpoint, string user, string privateKey, HostKey hostKey,
        IReadOnlyList<string>? remoteCommand = null)
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-ssh-"); // 0700 on Unix
        try
        {
            var keyFile = Path.Combine(dir.FullName, "id");
            var knownHosts = Path.Combine(dir.FullName, "known_hosts");
            WritePrivate(keyFile, privateKey.Replace("\r\n", "\n").TrimEnd('\n') + "\n");
            WritePrivate(knownHosts, KnownHostsLine(endpoint, hostKey));
            return new InteractiveSshFiles(dir.FullName, keyFile, knownHosts,
                BuildArgv(endpoint, user, keyFile, knownHosts, remoteCommand));
        }
        catch
        {
            dir.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Runs ssh with this process's stdin, stdout and stderr (a real terminal when there is one)
    /// and returns its exit code. The temporary files are removed even on failure or cancellation.
    /// </summary>
    public static async Task<int> RunAsync(SshEndpoint endpoint, string user, string privateKey, HostKey hostKey,
        IReadOnlyList<string>? remoteCommand = null, CancellationToken cancellationToken = default)
    {
        using var files = Prepare(endpoint, user, privateKey, hostKey, remoteCommand);
        var start = new ProcessStartInfo(files.Argv[0]) { UseShellExecute = false };
        foreach (var arg in files.Argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new NvoiException("Could not start ssh.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new NvoiException("The ssh client is not installed (needed for exec -i); install OpenSSH.");
        }
        using (process)
        {
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return process.ExitCode;
        }
    }

    private static string Alias(SshEndpoint endpoint) => "nvoi-" + endpoint.Server;

    private static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }
}

/// <summary>Temporary files for one interactive ssh run; disposing deletes them.</summary>
/// <param name="Directory">The private temp directory holding both files.</param>
/// <param name="KeyFile">The private key file (0600).</param>
/// <param name="KnownHostsFile">The known_hosts file holding only the pinned key (0600).</param>
/// <param name="Argv">The ssh command line using them.</param>
public sealed record InteractiveSshFiles(string Directory, string KeyFile, string KnownHostsFile, IReadOnlyList<string> Argv)
    : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
