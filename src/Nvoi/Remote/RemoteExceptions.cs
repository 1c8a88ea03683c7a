namespace Nvoi.Remote;

/// <summary>
/// The server presented a host key other than the pinned one. The connection is refused.
/// </summary>
public sealed class HostKeyMismatchException : NvoiException
{
    /// <summary>The flag of <c>nvoi exec</c> that accepts the new key.</summary>
    public const string RetrustFlag = "--retrust-host-key";

    /// <summary>Creates the error for <paramref name="server"/>.</summary>
    public HostKeyMismatchException(string server, string expectedFingerprint, string actualFingerprint)
        : base($"Host key of server {server} changed: pinned {expectedFingerprint}, server presented {actualFingerprint}. " +
               $"If the server was rebuilt on purpose, run: nvoi exec --server {server} {RetrustFlag}")
    {
        Server = server;
        ExpectedFingerprint = expectedFingerprint;
        ActualFingerprint = actualFingerprint;
    }

    /// <summary>The server's name.</summary>
    public string Server { get; }

    /// <summary>Fingerprint of the pinned key (SHA256:...).</summary>
    public string ExpectedFingerprint { get; }

    /// <summary>Fingerprint of the key the server presented (SHA256:...).</summary>
    public string ActualFingerprint { get; }
}

/// <summary>The SSH connection to a server could not be made or was lost mid-command.</summary>
public sealed class RemoteConnectionException : NvoiException
{
    /// <summary>Creates the error for <paramref name="server"/>.</summary>
    public RemoteConnectionException(string server, string what)
        : base($"SSH to server {server}: {what}")
    {
        Server = server;
    }

    /// <summary>Creates the error for <paramref name="server"/> with its cause.</summary>
    public RemoteConnectionException(string server, string what, Exception inner)
        : base($"SSH to server {server}: {what}", inner)
    {
        Server = server;
    }

    /// <summary>The server's name.</summary>
    public string Server { get; }
}

/// <summary>A remote command exited non-zero (raised by <see cref="RemoteResult.EnsureSuccess"/>).</summary>
public sealed class RemoteCommandException : NvoiException
{
    /// <summary>Creates the error; only the program name and the last stderr line are shown.</summary>
    public RemoteCommandException(string server, string program, int exitCode, string stderr)
        : base($"{program} on server {server} exited with {exitCode}{LastLine(stderr)}")
    {
        Server = server;
        RemoteExitCode = exitCode;
        Stderr = stderr;
    }

    /// <summary>The server's name.</summary>
    public string Server { get; }

    /// <summary>The remote exit code.</summary>
    public int RemoteExitCode { get; }

    /// <summary>The command's full stderr.</summary>
    public string Stderr { get; }

    private static string LastLine(string stderr)
    {
        var line = stderr.TrimEnd().Split('\n').LastOrDefault()?.Trim();
        return string.IsNullOrEmpty(line) ? "" : ": " + line;
    }
}

/// <summary>A wait on a server (SSH reachable, a file appearing) ran out of time.</summary>
public sealed class RemoteTimeoutException : NvoiException
{
    /// <summary>Creates the error for <paramref name="server"/>.</summary>
    public RemoteTimeoutException(string server, string what, TimeSpan timeout, Exception? last = null)
        : base($"Server {server}: gave up after {timeout.TotalSeconds:0}s waiting for {what}", last ?? new TimeoutException(what))
    {
        Server = server;
    }

    /// <summary>The server's name.</summary>
    public string Server { get; }
}

/// <summary>A remote command made no progress (no output, no input taken) for its deadline and was killed.</summary>
public sealed class RemoteStalledException : NvoiException
{
    /// <summary>Creates the error for <paramref name="server"/>.</summary>
    public RemoteStalledException(string server, string command, TimeSpan limit, string waitingFor)
        : base($"Server {server}: {command} made no progress for {Describe(limit)} and was stopped; it was waiting for {waitingFor}")
    {
        Server = server;
        Command = command;
    }

    /// <summary>The server's name.</summary>
    public string Server { get; }

    /// <summary>The command (its label).</summary>
    public string Command { get; }

    private static string Describe(TimeSpan limit) =>
        limit.TotalSeconds < 120 ? $"{limit.TotalSeconds:0}s" : $"{limit.TotalMinutes:0.#} min";
}
