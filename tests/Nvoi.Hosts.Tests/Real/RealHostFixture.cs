namespace Nvoi.Hosts.Tests.Real;

/// <summary>One test host shared by the contracts that need no devices or reboots (booting takes seconds).</summary>
public sealed class RealHostFixture : IAsyncLifetime
{
    private RealHost? _host;

    internal RealHost Host => _host ?? throw new InvalidOperationException("the test host did not start");

    public async Task InitializeAsync() => _host = await RealHost.StartAsync("app-master-1");

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RealHostCollection : ICollectionFixture<RealHostFixture>
{
    public const string Name = "real host";
}
