namespace Nvoi.Remote.Tests;

/// <summary>One sshd shared by the tests of a class (tests that stop or kill it start their own).</summary>
public sealed class SshdFixture : IAsyncLifetime
{
    private SshdServer? _server;

    public SshdServer Server => _server ?? throw new InvalidOperationException("sshd not started");

    public async Task InitializeAsync() => _server = await SshdServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
