using System.Net;
using Renci.SshNet;

namespace Nvoi.Remote;

public sealed partial class SshRemoteHost
{
    /// <inheritdoc/>
    /// <remarks>Streams the content in frames (<see cref="FramedInput"/>) over an exec channel on the shared
    /// connection (no second SFTP connection). The file is written 0600 to a temporary name next to the
    /// target, its size and SHA-256 are checked against what was sent, and only then is it renamed, so
    /// readers never see half a file and a damaged transfer replaces nothing.</remarks>
    public async Task UploadAsync(Stream content, string remotePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(remotePath);
        string[] argv = ["sh", "-c", FramedInput.UploadScript, "nvoi-upload", remotePath];
        var upload = new RemoteCommand(argv, Stdin: content) { Label = "upload to " + remotePath, InputFramedByCommand = true };
        var result = await RunAsync(upload, cancellationToken).ConfigureAwait(false);
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
        var download = new RemoteCommand(["cat", "--", remotePath], Stdout: destination) { Label = "download of " + remotePath };
        var result = await RunAsync(download, cancellationToken).ConfigureAwait(false);
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
