using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Nvoi.Cloud;
using Nvoi.Cloud.Scaleway;
using Nvoi.Http;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.Scaleway;

namespace Nvoi.Cloud.Tests.Scaleway;

/// <summary>An emulator on loopback and an adapter pointed at it, sharing one fake clock.</summary>
internal sealed class ScalewayTestBed : IAsyncDisposable
{
    public const string Token = "5c1d2c0e-6f4e-4d3a-9d8f-8a7b6c5d4e3f";
    public const string Project = "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b";
    public const string Zone = "fr-par-1";

    public FakeTimeProvider Time { get; }
    public SignalingTime Clock { get; }
    public EmulatorHost Host { get; }
    public ScalewayEmulator Emulator { get; }
    public ScalewayProvider Provider { get; }
    public HttpClient Raw { get; }

    private ScalewayTestBed(SignalingTime clock, EmulatorHost host, ScalewayEmulator emulator, ScalewayProvider provider)
    {
        Clock = clock;
        Time = clock.Fake;
        Host = host;
        Emulator = emulator;
        Provider = provider;
        Raw = new HttpClient { BaseAddress = host.BaseUrl };
        Raw.DefaultRequestHeaders.Add("X-Auth-Token", Token);
    }

    /// <summary>Retries with no delay at all: tests never wait.</summary>
    public static readonly RetryOptions NoDelay = new(8, TimeSpan.Zero, TimeSpan.Zero, false);

    public static async Task<ScalewayTestBed> StartAsync(
        TimeSpan? bootTime = null, double faultRate = 0, int seed = 1, string token = Token,
        Func<HttpMessageHandler, HttpMessageHandler>? wrap = null, string? stateDirectory = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions
        {
            Time = time, ServerBootTime = bootTime ?? TimeSpan.Zero, FaultRate = faultRate, Seed = seed, StateDirectory = stateDirectory,
        };
        var emulator = new ScalewayEmulator(options);
        var host = await EmulatorHost.StartAsync(emulator, options);
        HttpMessageHandler handler = new SocketsHttpHandler();
        if (wrap is not null) handler = wrap(handler);
        var clock = new SignalingTime(time);
        var provider = new ScalewayProvider(host.BaseUrl, token, Project, Zone, handler, clock, NoDelay);
        return new ScalewayTestBed(clock, host, emulator, provider);
    }

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var response = await Raw.GetAsync(path.TrimStart('/'));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return (JsonObject)JsonNode.Parse(text)!;
    }

    public async Task<(int Status, JsonObject Body, MediaTypeHeaderValue? ContentType)> SendRawAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await Raw.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? [] : (JsonObject)JsonNode.Parse(text)!, response.Content.Headers.ContentType);
    }

    /// <summary>
    /// Runs a wait to its end: each time the adapter arms a timer, the fake clock moves by
    /// <paramref name="step"/>. Returns the result and how many times the clock moved.
    /// </summary>
    public async Task<(T Result, int Advances)> AdvanceUntilDoneAsync<T>(Task<T> task, TimeSpan step, int maxSteps = 10_000)
    {
        var advances = 0;
        while (!task.IsCompleted && advances < maxSteps)
        {
            var timer = Clock.TimerCreated.WaitAsync();
            if (await Task.WhenAny(task, timer) == task) break;
            Time.Advance(step);
            advances++;
        }
        return (await task, advances);
    }

    public async Task<(NetworkInfo Network, FirewallInfo Firewall)> BaseAsync(string prefix = "app")
    {
        var network = await Provider.CreateNetworkAsync($"{prefix}-net", Zone, default);
        var firewall = await Provider.CreateFirewallAsync($"{prefix}-fw", network, default);
        return (network, firewall);
    }

    public static ServerSpec Spec(string name, NetworkInfo network, FirewallInfo firewall, string type = "DEV1-S") =>
        new(name, type, Zone, "#cloud-config\nruncmd:\n  - echo hello\n", network, firewall,
            new Dictionary<string, string> { ["app"] = "demo", ["role"] = "master" });

    public async ValueTask DisposeAsync()
    {
        Raw.Dispose();
        Provider.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>A fake clock that tells the test each time a timer (a wait) is armed.</summary>
internal sealed class SignalingTime(FakeTimeProvider fake) : TimeProvider
{
    public FakeTimeProvider Fake => fake;
    public SemaphoreSlim TimerCreated { get; } = new(0);

    public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();
    public override long GetTimestamp() => fake.GetTimestamp();
    public override long TimestampFrequency => fake.TimestampFrequency;
    public override TimeZoneInfo LocalTimeZone => fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = fake.CreateTimer(callback, state, dueTime, period);
        TimerCreated.Release();
        return timer;
    }
}
