using System.Net.Sockets;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Nvoi.Remote;

/// <summary>
/// <see cref="IRemoteHost"/> over SSH.NET: one connection, opened on first use and shared by every
/// command (channels multiplexed), reconnected once when it dropped. The host key is checked
/// against the pin in <see cref="SshSessionOptions.HostKeys"/>, or recorded on first contact.
/// </summary>
public sealed partial class SshRemoteHost : IRemoteHost
{
    private readonly SshEndpoint _endpoint;
    private readonly SshSessionOptions _options;
    private readonly IPrivateKeySource _key;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly SemaphoreSlim _commandSlots;
    private SshClient? _client;
    private int _connects;
    private bool _disposed;
    private bool _retrusted;

    /// <summary>Creates the host; nothing connects until the first command.</summary>
    internal SshRemoteHost(SshEndpoint endpoint, SshSessionOptions options, IPrivateKeySource key)
    {
        _endpoint = endpoint;
        _options = options;
        _key = key;
        _commandSlots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentCommands));
    }

    /// <inheritdoc/>
    public string Server => _endpoint.Server;

    /// <summary>Where this host is reached.</summary>
    public SshEndpoint Endpoint => _endpoint;

    /// <summary>How many SSH connections this host has opened so far.</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connects);

    /// <summary>Connects now (if not connected), checking the host key.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default) =>
        await GetClientAsync(cancellationToken).ConfigureAwait(false);

    private async Task<SshClient> GetClientAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var client = _client;
        if (IsAlive(client))
        {
            return client;
        }
        await _connectLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            client = _client;
            if (IsAlive(client))
            {
                return client;
            }
            _client = null;
            client?.Dispose();
            client = await OpenConnectionAsync(ct).ConfigureAwait(false);
            _client = client;
            return client;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task<SshClient> OpenConnectionAsync(CancellationToken ct)
    {
        var pinnedText = _options.HostKeys.Get(Server);
        HostKey? pinned = null;
        if (pinnedText is not null && !HostKey.TryParse(pinnedText, out pinned))
        {
            throw new NvoiException($"The pinned host key of server {Server} in deploy.enc is not a valid public key line.");
        }
        // Re-trust applies to the first connection of the run only; reconnects check the new pin.
        var retrust = _options.RetrustHostKeys.Contains(Server) && !_retrusted;
        var info = new ConnectionInfo(_endpoint.Host, _endpoint.Port, _options.User,
            new PrivateKeyAuthenticationMethod(_options.User, _key))
        {
            Timeout = _options.ConnectTimeout,
        };
        RestrictHostKeyAlgorithms(info, retrust ? null : pinned);

        var client = new SshClient(info) { KeepAliveInterval = _options.KeepAliveInterval };
        HostKey? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = HostKey.FromBlob(e.HostKey);
            e.CanTrust = retrust || pinned is null || pinned.Equals(presented);
        };
        try
        {
            Interlocked.Increment(ref _connects);
            await client.ConnectAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            client.Dispose();
            if (!retrust && pinned is not null && presented is not null && !pinned.Equals(presented))
            {
                throw new HostKeyMismatchException(Server, pinned.Fingerprint, presented.Fingerprint);
            }
            throw new RemoteConnectionException(Server,
                $"cannot connect to {_options.User}@{_endpoint.Host}:{_endpoint.Port}: {ex.Message}", ex);
        }
        if (presented is not null && (pinned is null || !pinned.Equals(presented)))
        {
            _options.HostKeys.Record(Server, presented.ToString());
        }
        _retrusted = true;
        return client;
    }

    // With a pin, offer only algorithms of the pinned key's type, so the server cannot present
    // another (unpinned) key type. Host certificates are never used.
    private static void RestrictHostKeyAlgorithms(ConnectionInfo info, HostKey? pinned)
    {
        foreach (var name in info.HostKeyAlgorithms.Keys.ToList())
        {
            var keep = !name.Contains("-cert-", StringComparison.Ordinal)
                && (pinned is null || name == pinned.Type
                    || (pinned.Type == "ssh-rsa" && name.StartsWith("rsa-sha2-", StringComparison.Ordinal)));
            if (!keep)
            {
                info.HostKeyAlgorithms.Remove(name);
            }
        }
    }

    // Runs the channel-opening step; if the connection turns out to be gone, reconnects once
    // and tries again. Work already started on a channel is never repeated.
    private async Task<T> OnChannelAsync<T>(Func<SshClient, T> open, CancellationToken ct)
    {
        var client = await GetClientAsync(ct).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => open(client), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionLoss(ex, client))
        {
            Drop(client);
        }
        client = await GetClientAsync(ct).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => open(client), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionLoss(ex, client))
        {
            Drop(client);
            throw new RemoteConnectionException(Server, "the connection dropped again right after reconnecting", ex);
        }
    }

    private static bool IsConnectionLoss(Exception ex, SshClient client) =>
        ex is SshConnectionException or SocketException or ObjectDisposedException
        || (ex is SshException && !IsAlive(client));

    // IsConnected throws once the client is disposed (another command may have dropped it).
    private static bool IsAlive([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] SshClient? client)
    {
        try
        {
            return client is { IsConnected: true };
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private void Drop(SshClient client)
    {
        if (Interlocked.CompareExchange(ref _client, null, client) == client)
        {
            client.Dispose();
        }
    }

    /// <inheritdoc/>
    public Task<RemoteResult> RunAsync(IReadOnlyList<string> argv, Stream? stdin = null,
        Action<OutputLine>? onLine = null, CancellationToken cancellationToken = default) =>
        RunAsync(new RemoteCommand(argv, stdin, null, onLine), cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            Interlocked.Exchange(ref _client, null)?.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private static readonly UTF8Encoding Utf8 = new(false, false);
}
