using Nvoi.Configuration;

namespace Nvoi.Remote;

/// <summary>
/// Where pinned host keys live, by server name. The engine wires it to deploy.enc
/// (<c>application.ssh_keys.host_keys</c>); saving the file after <see cref="Record"/> is the caller's job.
/// </summary>
public interface IHostKeyStore
{
    /// <summary>The pinned public key line for <paramref name="server"/>, or null if none.</summary>
    string? Get(string server);

    /// <summary>Pins <paramref name="publicKey"/> (<c>type base64</c>) for <paramref name="server"/>, replacing any old pin.</summary>
    void Record(string server, string publicKey);
}

/// <summary>A host key store over the config model's <see cref="SshKeys.HostKeys"/> dictionary.</summary>
public sealed class SshKeysHostKeyStore(SshKeys keys) : IHostKeyStore
{
    private readonly object _sync = new();

    /// <summary>Raised after a key was recorded, so the owner can save deploy.enc.</summary>
    public event Action<string, string>? Recorded;

    /// <inheritdoc/>
    public string? Get(string server)
    {
        lock (_sync)
        {
            return keys.HostKeys.TryGetValue(server, out var key) ? key : null;
        }
    }

    /// <inheritdoc/>
    public void Record(string server, string publicKey)
    {
        lock (_sync)
        {
            keys.HostKeys[server] = publicKey;
        }
        Recorded?.Invoke(server, publicKey);
    }
}

/// <summary>A host key store held in memory (tests, one-off tools).</summary>
public sealed class InMemoryHostKeyStore : IHostKeyStore
{
    private readonly Dictionary<string, string> _keys = new();

    /// <inheritdoc/>
    public string? Get(string server)
    {
        lock (_keys)
        {
            return _keys.TryGetValue(server, out var key) ? key : null;
        }
    }

    /// <inheritdoc/>
    public void Record(string server, string publicKey)
    {
        lock (_keys)
        {
            _keys[server] = publicKey;
        }
    }
}
