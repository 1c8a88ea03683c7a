using Microsoft.Extensions.Time.Testing;

namespace Nvoi.Remote.Tests;

public class WaitTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task File_wait_polls_each_interval_until_the_file_exists()
    {
        var time = new FakeTimeProvider();
        var host = new ScriptedHost(exitCodes: [1, 1, 0]);
        var wait = RemoteWaits.WaitForFileAsync(host, "/var/lib/cloud/instance/boot-finished", time, Timeout, Interval);

        await host.NextCall(); // first check at once
        Assert.False(wait.IsCompleted);
        time.Advance(Interval);
        await host.NextCall();
        time.Advance(Interval);
        await host.NextCall();
        await wait;

        Assert.Equal(3, host.Calls.Count);
        Assert.All(host.Calls, c => Assert.Equal(["test", "-e", "/var/lib/cloud/instance/boot-finished"], c));
        Assert.Equal(TimeSpan.FromSeconds(10), time.GetUtcNow() - time.Start);
    }

    [Fact]
    public async Task File_wait_gives_up_at_the_timeout()
    {
        var time = new FakeTimeProvider();
        var host = new ScriptedHost(exitCodes: [1]);
        var wait = RemoteWaits.WaitForFileAsync(host, "/ready", time, Timeout, Interval);
        await host.NextCall();
        for (var i = 0; i < 12; i++)
        {
            time.Advance(Interval);
            await host.NextCall();
        }
        var ex = await Assert.ThrowsAsync<RemoteTimeoutException>(() => wait);
        Assert.Contains("/ready", ex.Message);
        Assert.Contains(host.Server, ex.Message);
        Assert.Equal(13, host.Calls.Count);
    }

    [Fact]
    public async Task Ssh_wait_retries_connection_errors_but_not_host_key_mismatches()
    {
        var time = new FakeTimeProvider();
        var host = new ScriptedHost(exitCodes: [0], failures: 2);
        var wait = RemoteWaits.WaitForSshAsync(host, time, Timeout, Interval);
        await host.NextCall();
        time.Advance(Interval);
        await host.NextCall();
        time.Advance(Interval);
        await host.NextCall();
        await wait;
        Assert.Equal(3, host.Calls.Count);

        var mismatch = new ScriptedHost(exitCodes: [0], mismatch: true);
        await Assert.ThrowsAsync<HostKeyMismatchException>(() => RemoteWaits.WaitForSshAsync(mismatch, time, Timeout, Interval));
    }

    [Fact]
    public async Task Ssh_wait_against_a_real_sshd_passes_at_once()
    {
        await using var sshd = await SshdServer.StartAsync();
        await using var sessions = new RemoteSessions(sshd.Options());
        await RemoteWaits.WaitForSshAsync(sessions.Get(sshd.Endpoint()), new FakeTimeProvider(), Timeout, Interval);
        Assert.Equal(1, await sshd.LoginsAsync(1));
    }

    /// <summary>Answers commands from a script and signals each call, so the test advances the clock in step.</summary>
    private sealed class ScriptedHost(int[] exitCodes, int failures = 0, bool mismatch = false) : IRemoteHost
    {
        private readonly SemaphoreSlim _called = new(0);
        public List<IReadOnlyList<string>> Calls { get; } = new();
        public string Server => "master";

        public Task NextCall() => _called.WaitAsync(TimeSpan.FromSeconds(10));

        public Task<RemoteResult> RunAsync(IReadOnlyList<string> argv, Stream? stdin = null, Action<OutputLine>? onLine = null,
            CancellationToken cancellationToken = default) => RunAsync(new RemoteCommand(argv), cancellationToken);

        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken = default)
        {
            int n;
            lock (Calls)
            {
                Calls.Add(command.Argv);
                n = Calls.Count;
            }
            _called.Release();
            if (mismatch)
            {
                throw new HostKeyMismatchException(Server, "SHA256:old", "SHA256:new");
            }
            if (n <= failures)
            {
                throw new RemoteConnectionException(Server, "connection refused");
            }
            var code = exitCodes[Math.Min(n - failures - 1, exitCodes.Length - 1)];
            return Task.FromResult(new RemoteResult(code, "", ""));
        }

        public Task UploadAsync(Stream content, string remotePath, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task DownloadAsync(string remotePath, Stream destination, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IPortForward> ForwardLocalPortAsync(string remoteHost, int remotePort, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
