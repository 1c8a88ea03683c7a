using Nvoi.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>The real scripts run through a real sshd (local machine) where that is cheap and harmless.</summary>
public class ScriptsOverSshTests(SshdFixture fixture) : IClassFixture<SshdFixture>, IAsyncLifetime
{
    private RemoteSessions _sessions = null!;
    private IRemoteHost _host = null!;
    private DirectoryInfo _dir = null!;

    public Task InitializeAsync()
    {
        _sessions = new RemoteSessions(fixture.Server.Options());
        _host = _sessions.Get(fixture.Server.Endpoint());
        _dir = Directory.CreateTempSubdirectory("nvoi-hosts-");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sessions.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public Task Lock_sequence() => LockContract.SequenceAsync(_host, Path.Combine(_dir.FullName, "nvoi-deploy-app.lock"));

    // 50 rounds of each race through the real script, flock and sshd.
    [Fact]
    public async Task Fifty_races_each_have_one_winner()
    {
        for (var round = 0; round < 50; round++)
            await LockContract.ConcurrentAsync([_host], Path.Combine(_dir.FullName, $"race-{round}.lock"));
    }

    [Fact]
    public async Task Fifty_races_for_a_dead_holders_lock_each_have_one_winner()
    {
        for (var round = 0; round < 50; round++)
            await LockContract.DeadHolderRaceAsync([_host], Path.Combine(_dir.FullName, $"dead-{round}.lock"));
    }

    [Fact]
    public async Task Fifty_races_never_take_a_live_lock_of_another_pid_namespace()
    {
        for (var round = 0; round < 50; round++)
            await LockContract.LiveHolderElsewhereRaceAsync([_host], Path.Combine(_dir.FullName, $"live-{round}.lock"));
    }

    [Fact]
    public async Task Mount_fails_with_exit_3_when_the_device_never_appears()
    {
        var result = await _host.RunScriptAsync(HostScripts.Text(HostScripts.MountVolume), ["/dev/nvoi-no-such-device", Path.Combine(_dir.FullName, "m"), "0"]);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("device /dev/nvoi-no-such-device did not appear within 0s\n", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "m")));
    }

    [Fact]
    public async Task Cloud_init_wait_finishes()
    {
        var lines = new List<string>();
        await ServerSetup.WaitForCloudInitAsync(_host, onLine: l => lines.Add(l.Text));
        Assert.Contains(lines, l => l is "cloud-init: done" or "cloud-init: absent");
    }
}
