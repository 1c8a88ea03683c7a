using Nvoi.Remote;
using Nvoi.Sandbox.Hosts;

namespace Nvoi.Hosts.Tests.Contracts;

/// <summary>The sandbox's <see cref="SimulatedHost"/> as a contract host: every session shares one state directory.</summary>
public sealed class SimulatedContractHost : IContractHost, IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("nvoi-simhost-");

    public SimulatedContractHost(params string[] devices)
    {
        Devices = [.. devices];
        Host = Connect();
    }

    public List<string> Devices { get; }

    public IRemoteHost Host { get; private set; }

    public IRemoteHost Connect() => new SimulatedHost("app-master-1", _state.FullName, () => Devices.ToArray(),
        (port, _) => throw new NotSupportedException($"no forward to port {port} in this contract"));

    public async Task RebootAsync()
    {
        await ((SimulatedHost)Host).RebootAsync();
        Host = Connect();
    }

    public void Dispose() => _state.Delete(recursive: true);
}
