using Nvoi.Remote;

namespace Nvoi.Hosts.Tests.Contracts;

/// <summary>
/// A server a contract runs against: the real one (a test host booted from nvoi's user data) or
/// <c>SimulatedHost</c>. The contract only sees what nvoi sees: sessions and its typed host calls.
/// </summary>
public interface IContractHost
{
    /// <summary>A session to the host (the same one each call).</summary>
    IRemoteHost Host { get; }

    /// <summary>A new, separate session to the same host (another deployer, another connection).</summary>
    IRemoteHost Connect();

    /// <summary>Restarts the host: services stop and start again, disks keep their data; <see cref="Host"/> is a new session after.</summary>
    Task RebootAsync();
}
