using System.Collections.Concurrent;
using System.Text;
using Renci.SshNet;

namespace Nvoi.Remote;

/// <summary>
/// The SSH sessions of one nvoi run, one per server, created on first use and shared by every
/// step. Dispose at the end of the run to close all connections.
/// </summary>
public sealed class RemoteSessions : IAsyncDisposable
{
    private readonly SshSessionOptions _options;
    private readonly PrivateKeyFile _key;
    private readonly ConcurrentDictionary<string, SshRemoteHost> _hosts = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Parses the private key (in memory, never written to disk).</summary>
    /// <exception cref="NvoiException">The key is not a valid unencrypted OpenSSH/PEM private key.</exception>
    public RemoteSessions(SshSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(options.PrivateKey));
            _key = new PrivateKeyFile(stream);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Never include the key text or the parser's message (it may quote it).
            throw new Configuration.ConfigException("application.ssh_keys.private_key",
                "not a valid unencrypted OpenSSH private key (create a fresh pair with `nvoi config init` in an empty directory and copy it over)");
        }
    }

    /// <summary>
    /// The session for <paramref name="endpoint"/>'s server; the same object for every call
    /// with that server name. A changed address for a known server is refused.
    /// </summary>
    public IRemoteHost Get(SshEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var host = _hosts.GetOrAdd(endpoint.Server, _ => new SshRemoteHost(endpoint, _options, _key));
        if (host.Endpoint != endpoint)
        {
            throw new InvalidOperationException($"Server {endpoint.Server} is already open at another address.");
        }
        return host;
    }

    /// <summary>Closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
        _hosts.Clear();
        _key.Dispose();
    }
}
