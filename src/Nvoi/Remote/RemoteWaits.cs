namespace Nvoi.Remote;

/// <summary>
/// Polling waits on a server, timed by a <see cref="TimeProvider"/> (a fake one in tests).
/// The first check runs at once, then one check per interval until the timeout.
/// </summary>
public static class RemoteWaits
{
    /// <summary>Waits until a command runs over SSH (the daemon is up and accepts the key).
    /// Connection errors are retried; a host key mismatch is not.</summary>
    public static Task WaitForSshAsync(IRemoteHost host, TimeProvider time, TimeSpan timeout, TimeSpan interval,
        CancellationToken cancellationToken = default) =>
        PollAsync(host.Server, "SSH to accept connections", time, timeout, interval, async ct =>
        {
            try
            {
                return (await host.RunAsync(["true"], cancellationToken: ct).ConfigureAwait(false)).Succeeded;
            }
            catch (RemoteConnectionException)
            {
                return false;
            }
        }, cancellationToken);

    /// <summary>Waits until <paramref name="path"/> exists on the host.</summary>
    public static Task WaitForFileAsync(IRemoteHost host, string path, TimeProvider time, TimeSpan timeout, TimeSpan interval,
        CancellationToken cancellationToken = default) =>
        PollAsync(host.Server, path + " to appear", time, timeout, interval, async ct =>
            (await host.RunAsync(["test", "-e", path], cancellationToken: ct).ConfigureAwait(false)).Succeeded,
            cancellationToken);

    /// <summary>Runs <paramref name="check"/> until it returns true or <paramref name="timeout"/> passes.</summary>
    /// <exception cref="RemoteTimeoutException">The check never passed in time.</exception>
    public static async Task PollAsync(string server, string what, TimeProvider time, TimeSpan timeout, TimeSpan interval,
        Func<CancellationToken, Task<bool>> check, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var deadline = time.GetUtcNow() + timeout;
        // Created before the first check, so ticks are counted from the start even if a check is slow.
        using var ticks = new PeriodicTimer(interval, time);
        while (true)
        {
            if (await check(cancellationToken).ConfigureAwait(false))
            {
                return;
            }
            if (time.GetUtcNow() >= deadline)
            {
                throw new RemoteTimeoutException(server, what, timeout);
            }
            await ticks.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
