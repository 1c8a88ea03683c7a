using Nvoi.Hosts.Tests.Contracts;
using Nvoi.Remote;

namespace Nvoi.Hosts.Tests.Real;

/// <summary>A <see cref="RealHost"/> as a contract host; the extra sessions it opens are closed with it.</summary>
internal sealed class RealContractHost(RealHost real) : IContractHost, IAsyncDisposable
{
    private readonly List<RemoteSessions> _sessions = [];

    public RealHost Real => real;

    public IRemoteHost Host => real.Host;

    public IRemoteHost Connect()
    {
        var sessions = new RemoteSessions(real.Options(real.Pinned(real.HostKey.PublicKey)));
        lock (_sessions) _sessions.Add(sessions);
        return sessions.Get(real.Endpoint);
    }

    public Task RebootAsync() => real.RebootAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _sessions) await s.DisposeAsync();
    }
}
