using Nvoi.Hosts.Tests.Contracts;
using Nvoi.Hosts.Tests.Real;

namespace Nvoi.Hosts.Tests;

[Collection(RealHostCollection.Name)]
public sealed class DeployLockOnARealHost(RealHostFixture fixture) : IAsyncLifetime
{
    private RealContractHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new RealContractHost(fixture.Host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact] public Task Holder_release_and_reacquire() => DeployLockContract.HolderReleaseAndReacquireAsync(_host);
    [Fact] public Task Takeover_of_a_dead_holder() => DeployLockContract.TakeoverOfADeadHolderAsync(_host);

    [Fact]
    public async Task One_winner_among_racing_deployers()
    {
        for (var round = 0; round < 3; round++) await DeployLockContract.OneWinnerAsync(_host);
    }
}

/// <summary>Its own host: the reboot must not disturb the shared one.</summary>
public sealed class DeployLockAcrossARebootOnARealHost
{
    [Fact]
    public async Task A_reboot_frees_the_lock()
    {
        await using var real = await RealHost.StartAsync("app-master-1");
        await using var host = new RealContractHost(real);
        await DeployLockContract.ARebootFreesTheLockAsync(host);
    }
}

public sealed class DeployLockOnTheSimulatedHost : IDisposable
{
    private readonly SimulatedContractHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact] public Task Holder_release_and_reacquire() => DeployLockContract.HolderReleaseAndReacquireAsync(_host);
    [Fact] public Task Takeover_of_a_dead_holder() => DeployLockContract.TakeoverOfADeadHolderAsync(_host);
    [Fact] public Task One_winner_among_racing_deployers() => DeployLockContract.OneWinnerAsync(_host);
    [Fact] public Task A_reboot_frees_the_lock() => DeployLockContract.ARebootFreesTheLockAsync(_host);
}
