using k8s;
using Microsoft.Extensions.Time.Testing;
using Nvoi.Cluster;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.Kubernetes;

namespace Nvoi.Cluster.Tests;

/// <summary>A Kubernetes emulator on loopback with a fake clock, and a KubernetesClient pointed at it.</summary>
public sealed class KubeSandbox : IAsyncDisposable
{
    public FakeTimeProvider Time { get; }
    public EmulatorHost Host { get; private init; } = null!;
    public KubernetesEmulator Emulator => (KubernetesEmulator)Host.Emulator;
    public IKubernetes Client { get; private init; } = null!;
    public Applier Applier => new(Client);
    public RolloutWatcher Watcher => new(Client, Time);

    public static async Task<KubeSandbox> StartAsync(Dictionary<string, string>? settings = null, string? stateDirectory = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions { Time = time, Settings = settings ?? new Dictionary<string, string>(), StateDirectory = stateDirectory };
        var host = await EmulatorHost.StartAsync(new KubernetesEmulator(options), options);
        return new KubeSandbox(time) { Host = host, Client = KubeClientFactory.ForUrl(host.BaseUrl) };
    }

    private KubeSandbox(FakeTimeProvider time) => Time = time;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
