namespace Nvoi.Remote;

/// <summary>
/// One remote server reached over a single reused SSH connection. Commands are argv arrays,
/// quoted for the remote POSIX shell by <see cref="ShellQuote"/>; nothing is glued into strings.
/// </summary>
public interface IRemoteHost : IAsyncDisposable
{
    /// <summary>The server's name (as in the config / deploy.enc).</summary>
    string Server { get; }

    /// <summary>
    /// Runs <paramref name="argv"/> on the host and waits for it to end. The exit code is returned,
    /// not thrown (use <see cref="RemoteResult.EnsureSuccess"/>). <paramref name="stdin"/> is
    /// streamed (never buffered whole) and its end reaches the command; without it the command reads EOF.
    /// <paramref name="onLine"/> receives stdout and stderr line by line while the command runs
    /// (on a background thread, one call at a time).
    /// </summary>
    Task<RemoteResult> RunAsync(
        IReadOnlyList<string> argv,
        Stream? stdin = null,
        Action<OutputLine>? onLine = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a command with every option, including a raw stdout sink (binary safe; then
    /// <see cref="RemoteResult.Stdout"/> is empty and stdout lines are not reported).
    /// </summary>
    Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken = default);

    /// <summary>Streams <paramref name="content"/> into <paramref name="remotePath"/> (replacing it).</summary>
    Task UploadAsync(Stream content, string remotePath, CancellationToken cancellationToken = default);

    /// <summary>Streams <paramref name="remotePath"/> into <paramref name="destination"/>.</summary>
    Task DownloadAsync(string remotePath, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a local listener on 127.0.0.1 (a free port) whose connections are forwarded through
    /// the SSH connection to <paramref name="remoteHost"/>:<paramref name="remotePort"/> as seen
    /// from the server. Dispose the handle to close it.
    /// </summary>
    Task<IPortForward> ForwardLocalPortAsync(string remoteHost, int remotePort, CancellationToken cancellationToken = default);
}

/// <summary>A command to run: argv plus optional stdin, stdout sink, line callback and deadline.</summary>
/// <param name="Argv">Program and arguments; each is quoted on its own.</param>
/// <param name="Stdin">Streamed to the command, which then sees the end of its input; without it the command reads /dev/null.</param>
/// <param name="Stdout">If set, raw stdout bytes go here instead of into the result.</param>
/// <param name="OnLine">Called for every complete output line (stdout unless redirected, and stderr).</param>
public sealed record RemoteCommand(
    IReadOnlyList<string> Argv,
    Stream? Stdin = null,
    Stream? Stdout = null,
    Action<OutputLine>? OnLine = null)
{
    /// <summary>What the command is, in words, for errors (default: the program name).</summary>
    public string? Label { get; init; }

    /// <summary>
    /// How long the command may go without progress (output received, input taken) before it is killed and
    /// fails with <see cref="RemoteStalledException"/>; null takes the session's default,
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits as long as it runs.
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>
    /// The command reads the framed input itself (<see cref="FramedInput.Reader"/>), so it is not wrapped in
    /// <see cref="FramedInput.PipeWrapper"/>.
    /// </summary>
    internal bool InputFramedByCommand { get; init; }
}

/// <summary>One line of command output, without its line ending.</summary>
public readonly record struct OutputLine(bool IsStderr, string Text);

/// <summary>The outcome of a remote command.</summary>
/// <param name="ExitCode">The exit status; 128+N if killed by signal N; 255 if the server gave neither.</param>
/// <param name="Stdout">Standard output (UTF-8), empty when redirected to a stream.</param>
/// <param name="Stderr">Standard error (UTF-8).</param>
public sealed record RemoteResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>True when the exit code is 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws <see cref="RemoteCommandException"/> unless the command succeeded.</summary>
    public RemoteResult EnsureSuccess(string server, IReadOnlyList<string> argv)
    {
        if (!Succeeded)
        {
            throw new RemoteCommandException(server, argv.Count > 0 ? argv[0] : "", ExitCode, Stderr);
        }
        return this;
    }
}

/// <summary>An open local port forward; disposing closes the listener and its connections.</summary>
public interface IPortForward : IAsyncDisposable
{
    /// <summary>The local address the listener is bound to (127.0.0.1).</summary>
    string LocalHost { get; }

    /// <summary>The local port chosen for the listener.</summary>
    int LocalPort { get; }
}
