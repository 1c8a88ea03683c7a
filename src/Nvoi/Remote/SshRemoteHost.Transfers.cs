using System.Net;
using Renci.SshNet;

namespace Nvoi.Remote;

public sealed partial class SshRemoteHost
{
    /// <inheritdoc/>
    /// <remarks>Uses <c>cat</c> over an exec channel on the shared connection (no second SFTP connection).
    /// The file is written to a temporary name next to the target and renamed, so readers never see half a file.</remarks>
    public async Task UploadAsync(Stream content, string remotePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(remotePath);
        string[] argv = ["sh", "-c", "umask 077 && cat > \"$1.nvoi-upload\" && mv -f \"$1.nvoi-upload\" \"$1\"", "sh", remotePath];
        var result = await RunAsync(new RemoteCommand(argv, Stdin: content), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new RemoteCommandException(Server, $"upload to {remotePath}", result.ExitCode, result.Stderr);
        }
    }

    /// <inheritdoc/>
    public async Task DownloadAsync(string remotePath, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentException.ThrowIfNullOrEmpty(remotePath);
        var result = await RunAsync(new RemoteCommand(["cat", "--", remotePath], Stdout: destination), cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new RemoteCommandException(Server, $"download of {remotePath}", result.ExitCode, result.Stderr);
        }
    }

    /// <inheritdoc/>
    public async Task<IPortForward> ForwardLocalPortAsync(string remoteHost, int remotePort, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(remoteHost);
        ArgumentOutOfRangeException.ThrowIfLessThan(remotePort, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(remotePort, 65535);
        var (owner, port) = await OnChannelAsync(client =>
        {
            var forward = new ForwardedPortLocal(IPAddress.Loopback.ToString(), 0, remoteHost, (uint)remotePort);
            try
            {
                client.AddForwardedPort(forward);
                forward.Start();
                return (client, forward);
            }
            catch
            {
                forward.Dispose();
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
        return new PortForward(owner, port);
    }

    private sealed class PortForward(SshClient client, ForwardedPortLocal port) : IPortForward
    {
        private int _closed;

        public string LocalHost => port.BoundHost;

        public int LocalPort { get; } = (int)port.BoundPort;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                await Task.Run(() =>
                {
                    try
                    {
                        port.Stop();
                    }
                    catch (Exception)
                    {
                        // The connection is gone; the listener is closed by Dispose below.
                    }
                    try
                    {
                        client.RemoveForwardedPort(port);
                    }
                    catch (ObjectDisposedException)
                    {
                        // The client was replaced after a reconnect.
                    }
                    port.Dispose();
                }).ConfigureAwait(false);
            }
        }
    }
}
