using System.Collections.Concurrent;
using Nvoi.Remote;

namespace Nvoi.Sandbox.Hosts;

/// <summary>
/// The sandbox counterpart of <see cref="RemoteSessions"/>: one <see cref="SimulatedHost"/> per server
/// name, all keeping their state in one directory.
/// </summary>
public sealed class SimulatedHosts : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SimulatedHost> _hosts = new(StringComparer.Ordinal);
    private readonly string _stateDirectory;
    private readonly Func<string, IReadOnlyList<string>> _attachedDevices;
    private readonly Func<string, int, CancellationToken, Task<IPortForward>> _forwardPort;
    private readonly Func<string, string>? _kubeconfig;

    /// <summary>Creates the pool; the callbacks get the server's name first.</summary>
    /// <param name="stateDirectory">Where every host keeps its state (e.g. <c>.nvoi/sandbox/hosts</c>).</param>
    /// <param name="attachedDevices">Device paths attached to a server (from the compute emulator).</param>
    /// <param name="forwardPort">Opens a forward to a port on a server.</param>
    /// <param name="kubeconfig">The kubeconfig a server's k3s install writes; null for the default.</param>
    public SimulatedHosts(string stateDirectory, Func<string, IReadOnlyList<string>> attachedDevices,
        Func<string, int, CancellationToken, Task<IPortForward>> forwardPort, Func<string, string>? kubeconfig = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        _stateDirectory = stateDirectory;
        _attachedDevices = attachedDevices ?? throw new ArgumentNullException(nameof(attachedDevices));
        _forwardPort = forwardPort ?? throw new ArgumentNullException(nameof(forwardPort));
        _kubeconfig = kubeconfig;
    }

    /// <summary>The host of <paramref name="server"/> (created on first use, then reused).
    /// Agents joining a server of this pool must present its node token.</summary>
    public SimulatedHost Get(string server) => _hosts.GetOrAdd(server, name => new SimulatedHost(name, _stateDirectory,
        () => _attachedDevices(name), (port, ct) => _forwardPort(name, port, ct),
        _kubeconfig is null ? null : () => _kubeconfig(name))
    {
        JoinValidator = AcceptsJoinAsync,
    });

    // A join succeeds when some host in the state directory runs a k3s server on that IP with that token.
    private async Task<bool> AcceptsJoinAsync(string serverIp, string token, CancellationToken cancellationToken)
    {
        foreach (var file in Directory.GetFiles(_stateDirectory, "*" + SimulatedHostStore.StateSuffix))
        {
            var host = Get(Path.GetFileName(file)[..^SimulatedHostStore.StateSuffix.Length]);
            var state = await host.ReadStateAsync(cancellationToken).ConfigureAwait(false);
            if (state.K3s is { Role: "server" } node && node.PrivateIp == serverIp && state.ActiveServices.Contains("k3s"))
            {
                var expected = await host.ReadFileAsync(Nvoi.Hosts.K3s.NodeTokenPath, cancellationToken).ConfigureAwait(false);
                return expected?.Trim() == token;
            }
        }
        return false;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
        _hosts.Clear();
    }
}
