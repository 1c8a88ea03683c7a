using System.Text;
using Nvoi.Hosts;
using Nvoi.Remote;

namespace Nvoi.Sandbox.Hosts;

/// <summary>
/// A server of the sandbox world behind <see cref="IRemoteHost"/>. It answers the host scripts of
/// <see cref="HostScripts"/> (recognised by their <c># nvoi-script: NAME</c> line) by doing their
/// effect on a persisted state, plus a few plain commands; anything else exits 127.
/// </summary>
public sealed partial class SimulatedHost : IRemoteHost
{
    private readonly SimulatedHostStore _store;
    private readonly Func<IReadOnlyList<string>> _attachedDevices;
    private readonly Func<int, CancellationToken, Task<IPortForward>> _forwardPort;
    private readonly Func<string>? _kubeconfig;

    /// <summary>Creates the host <paramref name="server"/>, its state kept in <paramref name="stateDirectory"/>.</summary>
    /// <param name="server">Server name (state file <c>NAME.host.json</c>, file blobs in <c>NAME.files/</c>).</param>
    /// <param name="stateDirectory">Directory shared by all simulated hosts of one sandbox (e.g. .nvoi/sandbox/hosts).</param>
    /// <param name="attachedDevices">Block device paths attached to this server right now (from the compute emulator).</param>
    /// <param name="forwardPort">Opens a forward to a port "on the server" (e.g. 6443 → a Kubernetes emulator, 30500 → a registry).</param>
    /// <param name="kubeconfig">The kubeconfig k3s writes when installed; a placeholder pointing at https://127.0.0.1:6443 when null.</param>
    public SimulatedHost(string server, string stateDirectory, Func<IReadOnlyList<string>> attachedDevices,
        Func<int, CancellationToken, Task<IPortForward>> forwardPort, Func<string>? kubeconfig = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(server);
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        Server = server;
        _store = new SimulatedHostStore(stateDirectory, server);
        _attachedDevices = attachedDevices ?? throw new ArgumentNullException(nameof(attachedDevices));
        _forwardPort = forwardPort ?? throw new ArgumentNullException(nameof(forwardPort));
        _kubeconfig = kubeconfig;
    }

    /// <summary>
    /// Checks an agent's join: (server private IP, token) → true when a k3s server there accepts the
    /// token. When null every join succeeds. A refused join leaves the agent inactive (script exit 7).
    /// </summary>
    public Func<string, string, CancellationToken, Task<bool>>? JoinValidator { get; init; }

    /// <summary>Commands run on this host so far (for benchmarks).</summary>
    public long Commands => Interlocked.Read(ref _commands);
    private long _commands;

    /// <summary>Added to every command, like a network round trip (zero by default; benchmarks set it).</summary>
    public TimeSpan RoundTrip { get; init; }

    /// <summary>Called before a host script runs, with its name and arguments (benchmarks add the script's real duration).</summary>
    public Func<string, IReadOnlyList<string>, CancellationToken, Task>? BeforeScript { get; init; }

    /// <summary>Called after a host script succeeded, with its name (the world registers a new k3s node).</summary>
    public Func<string, CancellationToken, Task>? AfterScript { get; init; }

    /// <summary>The text of a file on this host, or null (for the world, e.g. the node token).</summary>
    public Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var normalized = SimulatedPaths.Normalize(path);
        return _store.UpdateAsync(s => Task.FromResult(ReadText(s, normalized)), cancellationToken);
    }

    /// <inheritdoc />
    public string Server { get; }

    /// <summary>A snapshot of the saved state (for the world and tests).</summary>
    public Task<SimulatedHostState> ReadStateAsync(CancellationToken cancellationToken = default) =>
        _store.ReadAsync(cancellationToken);

    /// <summary>
    /// A reboot, as Debian does it: systemd-tmpfiles empties /tmp at boot (so a deploy lock there is gone);
    /// files elsewhere, volumes, fstab and services stay.
    /// </summary>
    public Task RebootAsync(CancellationToken cancellationToken = default) =>
        _store.UpdateAsync(s =>
        {
            foreach (var path in s.Files.Keys.Where(k => k.StartsWith("/tmp/", StringComparison.Ordinal)).ToList()) DeleteFile(s, path);
            s.Directories.RemoveWhere(d => d.StartsWith("/tmp/", StringComparison.Ordinal));
            return Task.FromResult(0);
        }, cancellationToken);

    /// <summary>Changes the state under the lock (e.g. the world adds pulled images or marks images in use).</summary>
    public Task UpdateStateAsync(Action<SimulatedHostState> change, CancellationToken cancellationToken = default) =>
        _store.UpdateAsync(s => { change(s); return Task.FromResult(0); }, cancellationToken);

    /// <inheritdoc />
    public Task<RemoteResult> RunAsync(IReadOnlyList<string> argv, Stream? stdin = null, Action<OutputLine>? onLine = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(new RemoteCommand(argv, stdin, null, onLine), cancellationToken);

    /// <inheritdoc />
    public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Argv.Count == 0)
        {
            throw new ArgumentException("A command needs at least a program name.", nameof(command));
        }
        cancellationToken.ThrowIfCancellationRequested();
        var output = new CommandOutput();
        var exit = await ExecuteAsync(command, output, cancellationToken).ConfigureAwait(false);
        var stdout = "";
        if (command.Stdout is not null)
        {
            output.Stdout.Position = 0;
            await output.Stdout.CopyToAsync(command.Stdout, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            stdout = Encoding.UTF8.GetString(output.Stdout.GetBuffer(), 0, (int)output.Stdout.Length);
        }
        var stderr = output.Stderr.ToString();
        if (command.OnLine is { } onLine)
        {
            foreach (var line in SplitLines(stdout)) onLine(new OutputLine(false, line));
            foreach (var line in SplitLines(stderr)) onLine(new OutputLine(true, line));
        }
        return new RemoteResult(exit, stdout, stderr);
    }

    /// <inheritdoc />
    public async Task UploadAsync(Stream content, string remotePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = SimulatedPaths.Normalize(remotePath);
        var blob = Guid.NewGuid().ToString("N");
        var blobPath = Path.Combine(_store.BlobDirectory, blob);
        await using (var file = PrivateFiles.Create(blobPath))
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
        await _store.UpdateAsync(s =>
        {
            if (!s.Directories.Contains(SimulatedPaths.Parent(path)))
            {
                File.Delete(blobPath);
                throw new IOException($"sandbox: cannot upload to {path}: no such directory");
            }
            SetBlob(s, path, blob);
            return Task.FromResult(0);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DownloadAsync(string remotePath, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var path = SimulatedPaths.Normalize(remotePath);
        return _store.UpdateAsync(async s =>
        {
            if (!s.Files.TryGetValue(path, out var blob))
            {
                throw new RemoteCommandException(Server, "cat", 1, $"cat: {path}: No such file or directory");
            }
            await using var file = new FileStream(Path.Combine(_store.BlobDirectory, blob), FileMode.Open, FileAccess.Read);
            await file.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IPortForward> ForwardLocalPortAsync(string remoteHost, int remotePort, CancellationToken cancellationToken = default) =>
        _forwardPort(remotePort, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static IEnumerable<string> SplitLines(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');

    private sealed class CommandOutput
    {
        public MemoryStream Stdout { get; } = new();
        public StringBuilder Stderr { get; } = new();
        public void Write(string text) => Stdout.Write(Encoding.UTF8.GetBytes(text));
        public void Write(byte[] bytes) => Stdout.Write(bytes);
        public void Out(string line) => Write(line + "\n");
        public void Err(string line) => Stderr.Append(line).Append('\n');
    }
}
