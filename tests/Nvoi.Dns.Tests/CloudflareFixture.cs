using System.Collections.Concurrent;
using Nvoi.Http;
using Nvoi.Sandbox.Cloudflare;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Dns.Tests;

/// <summary>A Cloudflare emulator on 127.0.0.1 and clients for it, with a zero-delay clock.</summary>
internal sealed class CloudflareFixture : IAsyncDisposable
{
    public EmulatorHost Host { get; }
    public CloudflareEmulator Emulator => (CloudflareEmulator)Host.Emulator;
    public InstantTimeProvider Time { get; } = new();
    /// <summary>Every request the clients sent ("METHOD /path?query"), in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();
    /// <summary>Every answer the clients got ("STATUS METHOD /path?query"), in order.</summary>
    public ConcurrentQueue<string> Answers { get; } = new();

    private CloudflareFixture(EmulatorHost host) => Host = host;

    public static async Task<CloudflareFixture> StartAsync(EmulatorOptions? options = null, params string[] zones)
    {
        options ??= new EmulatorOptions();
        if (zones.Length > 0)
            options = options with { Settings = new Dictionary<string, string>(options.Settings) { ["cloudflare.zones"] = string.Join(',', zones) } };
        var host = await EmulatorHost.StartAsync(new CloudflareEmulator(options), options);
        return new CloudflareFixture(host);
    }

    public CloudflareClient Client(string token = "test-token", string? accountId = null, HttpMessageHandler? transport = null) =>
        new(new CloudflareSettings(token, accountId ?? Emulator.AccountId)
        {
            BaseUrl = Host.BaseUrl,
            Time = Time,
            Retry = new RetryOptions(6, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), UseJitter: false),
        }, new RecordingHandler(Requests, Answers, transport ?? new SocketsHttpHandler()));

    public TunnelPublisher Publisher(ICloudflare client) => new(client, Time);

    public string[] Sent(string method, string pathPart) =>
        Requests.Where(r => r.StartsWith(method + " ", StringComparison.Ordinal) && r.Contains(pathPart, StringComparison.Ordinal)).ToArray();

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>Notes every request on its way out (under the retry handler, so retries show).</summary>
internal sealed class RecordingHandler(ConcurrentQueue<string> log, ConcurrentQueue<string> answers, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var line = $"{request.Method} {request.RequestUri!.PathAndQuery}";
        log.Enqueue(line);
        var response = await base.SendAsync(request, ct);
        answers.Enqueue($"{(int)response.StatusCode} {line}");
        return response;
    }
}
