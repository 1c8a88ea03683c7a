using Nvoi.Onboarding;
using Nvoi.Sandbox;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Cli.Onboard;

/// <summary>The provider emulators on 127.0.0.1 for one `nvoi onboard --sandbox` session.</summary>
internal sealed class SandboxEndpoints : IAsyncDisposable
{
    private readonly List<EmulatorHost> _hosts;

    public OnboardingEndpoints Endpoints { get; }

    private SandboxEndpoints(List<EmulatorHost> hosts)
    {
        _hosts = hosts;
        Uri? Url(string key) => hosts.FirstOrDefault(h => h.Emulator.Key == key)?.BaseUrl;
        Endpoints = new OnboardingEndpoints(Url("hetzner"), Url("scaleway"), Url("aws"), Url("cloudflare"));
    }

    /// <summary>Starts every emulator of <see cref="SandboxEmulators"/> (in memory, no latency, no faults).</summary>
    public static async Task<SandboxEndpoints> StartAsync(EmulatorOptions? options = null)
    {
        options ??= new EmulatorOptions();
        var hosts = new List<EmulatorHost>();
        try
        {
            foreach (var emulator in SandboxEmulators.Create(options))
                hosts.Add(await EmulatorHost.StartAsync(emulator, options));
            return new SandboxEndpoints(hosts);
        }
        catch
        {
            foreach (var h in hosts) await h.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var h in _hosts) await h.DisposeAsync();
    }
}
