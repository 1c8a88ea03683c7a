using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nvoi.Sandbox.Emulation;

/// <summary>Runs one emulator on 127.0.0.1 (a free port unless given), with latency, fault injection and persistence.</summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IEmulator _emulator;
    private readonly EmulatorOptions _options;
    private readonly object _saveLock = new();

    public Uri BaseUrl { get; }

    /// <summary>Requests answered so far (for benchmarks).</summary>
    public long Requests => Interlocked.Read(ref _requests);
    private long _requests;
    public IEmulator Emulator => _emulator;

    private EmulatorHost(WebApplication app, IEmulator emulator, EmulatorOptions options, Uri baseUrl)
    {
        _app = app;
        _emulator = emulator;
        _options = options;
        BaseUrl = baseUrl;
    }

    private string? StateFile => _options.StateDirectory is null ? null : Path.Combine(_options.StateDirectory, _emulator.Key + ".json");

    public static async Task<EmulatorHost> StartAsync(IEmulator emulator, EmulatorOptions options, int port = 0, string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{address}:{port}");
        var app = builder.Build();

        var stateFile = options.StateDirectory is null ? null : Path.Combine(options.StateDirectory, emulator.Key + ".json");
        if (stateFile is not null && File.Exists(stateFile))
            emulator.LoadState(await File.ReadAllTextAsync(stateFile));

        EmulatorHost? host = null;
        var faults = new FaultInjector(options.FaultRate, options.Seed);
        app.Use(async (context, next) =>
        {
            if (host is not null) Interlocked.Increment(ref host._requests);
            if (options.Latency > TimeSpan.Zero)
                await Task.Delay(options.Latency, options.Time, context.RequestAborted);
            var fault = faults.Next();
            if (fault == Fault.RateLimited)
            {
                context.Response.Headers.RetryAfter = "1";
                await emulator.WriteErrorAsync(context, 429, "rate_limit_exceeded", "injected fault: rate limit exceeded");
                return;
            }
            if (fault == Fault.Unavailable)
            {
                await emulator.WriteErrorAsync(context, 503, "unavailable", "injected fault: service unavailable");
                return;
            }
            if (fault == Fault.LostResponse)
            {
                // Do the work, then lose the answer: clients must not repeat a create blindly.
                var original = context.Response.Body;
                context.Response.Body = Stream.Null;
                try { await next(context); }
                finally { context.Response.Body = original; }
                host?.Persist(context.Request.Method);
                context.Response.Clear();
                await emulator.WriteErrorAsync(context, 500, "server_error", "injected fault: internal server error");
                return;
            }
            await next(context);
            host?.Persist(context.Request.Method);
        });
        emulator.MapRoutes(app);
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        var root = new Uri(addresses.Addresses.First());
        host = new EmulatorHost(app, emulator, options, new Uri(root, emulator.BasePath));
        return host;
    }

    private void Persist(string method)
    {
        if (StateFile is null || HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) return;
        lock (_saveLock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(StateFile)!);
            var tmp = StateFile + ".tmp";
            File.WriteAllText(tmp, _emulator.SaveState());
            File.Move(tmp, StateFile, overwrite: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal enum Fault { None, RateLimited, Unavailable, LostResponse }

/// <summary>Seeded, thread-safe choice of which requests fail, so a run can be replayed.</summary>
internal sealed class FaultInjector(double rate, int seed)
{
    private readonly Random _random = new(seed);
    private readonly object _lock = new();

    public Fault Next()
    {
        if (rate <= 0) return Fault.None;
        lock (_lock)
        {
            if (_random.NextDouble() >= rate) return Fault.None;
            return (_random.Next(3)) switch { 0 => Fault.RateLimited, 1 => Fault.Unavailable, _ => Fault.LostResponse };
        }
    }
}
