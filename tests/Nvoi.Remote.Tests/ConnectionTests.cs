namespace Nvoi.Remote.Tests;

/// <summary>Tests that count, drop or re-key connections; each starts its own sshd.</summary>
public class ConnectionTests
{
    [Fact]
    public async Task Fifty_commands_open_one_tcp_connection()
    {
        await using var sshd = await SshdServer.StartAsync();
        await using var sessions = new RemoteSessions(sshd.Options());
        var host = sessions.Get(sshd.Endpoint());

        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(0, (await host.RunAsync(["true"])).ExitCode);
        }
        await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => host.RunAsync(["true"])));

        Assert.Equal(1, await sshd.LoginsAsync(1));
        Assert.Equal(1, ((SshRemoteHost)host).ConnectionsOpened);
    }

    [Fact]
    public async Task Killed_connection_is_reopened_once_for_the_next_command()
    {
        await using var sshd = await SshdServer.StartAsync();
        await using var sessions = new RemoteSessions(sshd.Options());
        var host = sessions.Get(sshd.Endpoint());
        Assert.Equal("1\n", (await host.RunAsync(["echo", "1"])).Stdout);

        Assert.True(sshd.KillConnections() > 0);

        Assert.Equal("2\n", (await host.RunAsync(["echo", "2"])).Stdout);
        Assert.Equal("3\n", (await host.RunAsync(["echo", "3"])).Stdout);
        Assert.Equal(2, await sshd.LoginsAsync(2));
    }

    [Fact]
    public async Task Restarted_sshd_is_reconnected()
    {
        await using var sshd = await SshdServer.StartAsync();
        await using var sessions = new RemoteSessions(sshd.Options());
        var host = sessions.Get(sshd.Endpoint());
        Assert.True((await host.RunAsync(["true"])).Succeeded);

        await sshd.RestartAsync();

        Assert.True((await host.RunAsync(["true"])).Succeeded);
        Assert.Equal(2, await sshd.LoginsAsync(2));
    }

    [Fact]
    public async Task Unreachable_host_is_a_connection_error()
    {
        await using var sshd = await SshdServer.StartAsync();
        await using var sessions = new RemoteSessions(sshd.Options());
        var host = sessions.Get(new SshEndpoint("gone", sshd.Address, 1));
        var ex = await Assert.ThrowsAsync<RemoteConnectionException>(() => host.RunAsync(["true"]));
        Assert.Contains("gone", ex.Message);
    }

    [Fact]
    public async Task First_contact_records_the_host_key()
    {
        await using var sshd = await SshdServer.StartAsync();
        var store = new InMemoryHostKeyStore();
        await using var sessions = new RemoteSessions(sshd.Options(store));
        Assert.True((await sessions.Get(sshd.Endpoint("master")).RunAsync(["true"])).Succeeded);
        Assert.Equal(HostKey.Parse(sshd.HostPublicKey), HostKey.Parse(store.Get("master")!));
    }

    [Fact]
    public async Task Pinned_key_is_accepted_and_kept()
    {
        await using var sshd = await SshdServer.StartAsync();
        var store = new RecordingStore();
        store.Record("master", sshd.HostPublicKey);
        store.Records.Clear();
        await using var sessions = new RemoteSessions(sshd.Options(store));
        Assert.True((await sessions.Get(sshd.Endpoint("master")).RunAsync(["true"])).Succeeded);
        Assert.Empty(store.Records);
    }

    [Fact]
    public async Task Changed_host_key_is_refused_then_retrusted_on_request()
    {
        await using var sshd = await SshdServer.StartAsync();
        var store = new InMemoryHostKeyStore();
        var oldKey = HostKey.Parse(sshd.HostPublicKey);
        store.Record("master", oldKey.ToString());
        await using (var sessions = new RemoteSessions(sshd.Options(store)))
        {
            Assert.True((await sessions.Get(sshd.Endpoint("master")).RunAsync(["true"])).Succeeded);
        }

        await sshd.RestartAsync(newHostKey: true);
        var newKey = HostKey.Parse(sshd.HostPublicKey);
        Assert.NotEqual(oldKey, newKey);

        await using (var sessions = new RemoteSessions(sshd.Options(store)))
        {
            var ex = await Assert.ThrowsAsync<HostKeyMismatchException>(() => sessions.Get(sshd.Endpoint("master")).RunAsync(["true"]));
            Assert.Equal("master", ex.Server);
            Assert.Equal(oldKey.Fingerprint, ex.ExpectedFingerprint);
            Assert.Equal(newKey.Fingerprint, ex.ActualFingerprint);
            Assert.Contains(oldKey.Fingerprint, ex.Message);
            Assert.Contains(newKey.Fingerprint, ex.Message);
            Assert.Contains("nvoi exec --server master --retrust-host-key", ex.Message);
            Assert.IsAssignableFrom<NvoiException>(ex);
            Assert.Equal(oldKey, HostKey.Parse(store.Get("master")!));
        }
        Assert.Equal(1, await sshd.LoginsAsync(1)); // the refused connection never logged in

        var retrust = sshd.Options(store);
        await using (var sessions = new RemoteSessions(new SshSessionOptions
        {
            User = retrust.User,
            PrivateKey = retrust.PrivateKey,
            HostKeys = store,
            RetrustHostKeys = new HashSet<string> { "master" },
        }))
        {
            var host = sessions.Get(sshd.Endpoint("master"));
            Assert.True((await host.RunAsync(["true"])).Succeeded);
            Assert.Equal(newKey, HostKey.Parse(store.Get("master")!));

            // Re-trust covers the first connection only: a reconnect later in the run checks the new pin.
            await sshd.RestartAsync(newHostKey: true);
            await Assert.ThrowsAsync<HostKeyMismatchException>(() => host.RunAsync(["true"]));
        }
        Assert.Equal(newKey, HostKey.Parse(store.Get("master")!));
    }

    [Fact]
    public async Task A_pin_restricts_the_host_key_type_the_server_may_present()
    {
        await using var sshd = await SshdServer.StartAsync(null, "ecdsa");
        var ecdsa = HostKey.Parse(sshd.HostPublicKeyOf("ecdsa"));

        // Unpinned, the server's preferred ed25519 key is recorded.
        var first = new InMemoryHostKeyStore();
        await using (var sessions = new RemoteSessions(sshd.Options(first)))
        {
            Assert.True((await sessions.Get(sshd.Endpoint("a")).RunAsync(["true"])).Succeeded);
        }
        Assert.Equal(HostKey.Parse(sshd.HostPublicKey), HostKey.Parse(first.Get("a")!));

        // Pinned to its ecdsa key, only that algorithm is offered and the pin matches.
        var pinned = new InMemoryHostKeyStore();
        pinned.Record("b", ecdsa.ToString());
        await using (var sessions = new RemoteSessions(sshd.Options(pinned)))
        {
            Assert.True((await sessions.Get(sshd.Endpoint("b")).RunAsync(["true"])).Succeeded);
        }
        Assert.Equal(ecdsa, HostKey.Parse(pinned.Get("b")!));
    }

    [Fact]
    public async Task Connection_lost_mid_command_is_a_connection_error_and_the_next_command_reconnects()
    {
        await using var sshd = await SshdServer.StartAsync();
        await using var sessions = new RemoteSessions(sshd.Options());
        var host = sessions.Get(sshd.Endpoint("master"));
        var started = new TaskCompletionSource();
        var running = host.RunAsync(["sh", "-c", "echo started; exec sleep 600"], onLine: _ => started.TrySetResult());
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        sshd.KillConnections();

        var ex = await Assert.ThrowsAsync<RemoteConnectionException>(() => running.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("master", ex.Message);
        Assert.True((await host.RunAsync(["true"])).Succeeded);
        Assert.Equal(2, await sshd.LoginsAsync(2));
    }

    private sealed class RecordingStore : IHostKeyStore
    {
        private readonly InMemoryHostKeyStore _inner = new();
        public List<string> Records { get; } = new();
        public string? Get(string server) => _inner.Get(server);
        public void Record(string server, string publicKey)
        {
            Records.Add(server);
            _inner.Record(server, publicKey);
        }
    }
}
