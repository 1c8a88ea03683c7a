namespace Nvoi.Remote;

/// <summary>Where a server's SSH daemon is.</summary>
/// <param name="Server">The server's name; the key of its pinned host key.</param>
/// <param name="Host">IP address or host name to connect to.</param>
/// <param name="Port">SSH port.</param>
public sealed record SshEndpoint(string Server, string Host, int Port = 22);

/// <summary>How nvoi logs in over SSH.</summary>
public sealed class SshSessionOptions
{
    /// <summary>The login user; <c>deploy</c> on servers nvoi creates.</summary>
    public string User { get; init; } = "deploy";

    /// <summary>The private key (OpenSSH format text from deploy.enc). Held in memory only.</summary>
    public required string PrivateKey { get; init; }

    /// <summary>Where host keys are pinned and recorded.</summary>
    public required IHostKeyStore HostKeys { get; init; }

    /// <summary>Servers whose changed host key is accepted and re-pinned (<c>--retrust-host-key</c>).</summary>
    public IReadOnlySet<string> RetrustHostKeys { get; init; } = new HashSet<string>();

    /// <summary>TCP connect plus SSH handshake timeout.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How many commands run at once on one connection. OpenSSH allows 10 sessions per
    /// connection (MaxSessions); more are queued.
    /// </summary>
    public int MaxConcurrentCommands { get; init; } = 8;

    /// <summary>
    /// How long a command may go without progress (output, input taken) unless it sets its own
    /// <see cref="RemoteCommand.IdleTimeout"/>; then it is killed and fails naming what it waited for.
    /// </summary>
    public TimeSpan CommandIdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The clock of those deadlines.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>SSH keep-alive interval; infinite turns it off.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);
}
