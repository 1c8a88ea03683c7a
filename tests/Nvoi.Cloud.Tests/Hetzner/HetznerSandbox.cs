using Nvoi.Cloud.Hetzner;
using Nvoi.Http;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.Hetzner;

namespace Nvoi.Cloud.Tests.Hetzner;

/// <summary>A Hetzner emulator on 127.0.0.1 and an adapter pointed at it, sharing one <see cref="JumpClock"/>.</summary>
public sealed class HetznerSandbox : IAsyncDisposable
{
    public JumpClock Clock { get; } = new();
    public HetznerEmulator Emulator { get; }
    public EmulatorHost Host { get; }
    public HetznerCloudProvider Provider { get; }

    /// <summary>Responses the adapter's transport saw, by status code (faults included).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<int, int> Statuses => _counter.Statuses;
    private StatusCounter _counter = null!;

    private HetznerSandbox(HetznerEmulator emulator, EmulatorHost host, HetznerCloudProvider provider, JumpClock clock)
    {
        Emulator = emulator; Host = host; Provider = provider; Clock = clock;
    }

    public static readonly RetryOptions NoDelay = new(8, TimeSpan.Zero, TimeSpan.FromSeconds(30), false);

    public static async Task<HetznerSandbox> StartAsync(EmulatorOptions? options = null, string token = "test-token", Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        var clock = new JumpClock();
        options = (options ?? new EmulatorOptions()) with { Time = clock };
        var emulator = new HetznerEmulator(options);
        var host = await EmulatorHost.StartAsync(emulator, options);
        var counter = new StatusCounter(wrap?.Invoke(new SocketsHttpHandler()) ?? new SocketsHttpHandler());
        var provider = new HetznerCloudProvider(host.BaseUrl, token, counter, clock, NoDelay);
        return new HetznerSandbox(emulator, host, provider, clock) { _counter = counter };
    }

    /// <summary>Another adapter on the same emulator (e.g. with a different token).</summary>
    public HetznerCloudProvider Adapter(string token) => new(Host.BaseUrl, token, new SocketsHttpHandler(), Clock, NoDelay);

    public async ValueTask DisposeAsync()
    {
        Provider.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>Counts response status codes below the adapter's retry handling.</summary>
internal sealed class StatusCounter(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public System.Collections.Concurrent.ConcurrentDictionary<int, int> Statuses { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        Statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
        return response;
    }
}

/// <summary>Sends the first request matching <paramref name="match"/>, then throws as if its answer was lost.</summary>
internal sealed class LoseFirstAnswer(HttpMessageHandler inner, Func<HttpRequestMessage, bool> match) : DelegatingHandler(inner)
{
    private int _lost;

    public bool Lost => _lost == 1;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        if (match(request) && Interlocked.Exchange(ref _lost, 1) == 0)
        {
            response.Dispose();
            throw new HttpRequestException("connection reset (simulated lost answer)");
        }
        return response;
    }
}
