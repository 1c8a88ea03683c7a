using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nvoi.Sandbox.Emulation;

/// <summary>
/// Runs one emulator on 127.0.0.1 (a free port unless given), with latency, fault injection and persistence.
/// A second port, <see cref="InternalBaseUrl"/>, serves the sandbox's own machinery (simulated kubelets,
/// the simulated URL check): what stands for something that is no API call in the real world costs no
/// latency, meets no fault and is not counted.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IEmulator _emulator;
    private readonly EmulatorOptions _options;
    private readonly object _saveLock = new();

    public Uri BaseUrl { get; }

    /// <summary>The same API without latency, faults or counting, for the sandbox's own use.</summary>
    public Uri InternalBaseUrl { get; }

    /// <summary>Requests answered so far (for benchmarks).</summary>
    public long Requests => Interlocked.Read(ref _requests);
    private long _requests;
    public IEmulator Emulator => _emulator;

    private EmulatorHost(WebApplication app, IEmulator emulator, EmulatorOptions options, Uri baseUrl, Uri internalBaseUrl)
    {
        InternalBaseUrl = internalBaseUrl;
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
        builder.WebHost.UseUrls($"http://{address}:{port}", "http://127.0.0.1:0");
        var app = builder.Build();

        var stateFile = options.StateDirectory is null ? null : Path.Combine(options.StateDirectory, emulator.Key + ".json");
        if (stateFile is not null && File.Exists(stateFile))
            emulator.LoadState(await File.ReadAllTextAsync(stateFile));

        EmulatorHost? host = null;
        var internalPort = 0;
        var faults = new FaultInjector(options.FaultRate, options.Seed);
        app.UseWebSockets(); // the Kubernetes emulator's pods/attach
        app.Use(async (context, next) =>
        {
            if (context.Connection.LocalPort == internalPort)
            {
                await next(context);
                host?.Persist(context.Request.Method);
                return;
            }
            if (host is not null) Interlocked.Increment(ref host._requests);
            options.OnRequest?.Invoke(emulator.Key, context.Request.Method, context.Request.Path + context.Request.QueryString);
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
            if (options.OnMutation is { } log && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                log(new MutatingRequest(emulator.Key, context.Request.Method, context.Request.Path, context.Response.StatusCode));
        });
        emulator.MapRoutes(app);
        await app.StartAsync();

        // Kestrel binds and lists the addresses in the order given: the public one, then the internal one.
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        if (addresses.Count != 2 || (port != 0 && addresses[0].Port != port))
            throw new InvalidOperationException($"the {emulator.Key} emulator did not bind its two ports as asked: {string.Join(", ", addresses)}");
        internalPort = addresses[1].Port;
        host = new EmulatorHost(app, emulator, options, new Uri(addresses[0], emulator.BasePath), new Uri(addresses[1], emulator.BasePath));
        return host;
    }

    private void Persist(string method)
    {
        if (StateFile is null || HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) return;
        lock (_saveLock)
        {
            PrivateFiles.CreateDirectory(Path.GetDirectoryName(StateFile)!);
            var tmp = StateFile + ".tmp";
            PrivateFiles.WriteAllText(tmp, _emulator.SaveState());
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
