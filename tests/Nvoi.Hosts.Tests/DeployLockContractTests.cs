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

public sealed class DeployLockOnTheSimulatedHost : IDisposable
{
    private readonly SimulatedContractHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact] public Task Holder_release_and_reacquire() => DeployLockContract.HolderReleaseAndReacquireAsync(_host);
    [Fact] public Task Takeover_of_a_dead_holder() => DeployLockContract.TakeoverOfADeadHolderAsync(_host);
    [Fact] public Task One_winner_among_racing_deployers() => DeployLockContract.OneWinnerAsync(_host);
}
