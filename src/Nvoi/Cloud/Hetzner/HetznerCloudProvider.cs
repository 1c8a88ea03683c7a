using System.Globalization;
using System.Text.Json.Nodes;
using Nvoi.Http;

namespace Nvoi.Cloud.Hetzner;

/// <summary>
/// <see cref="ICloudProvider"/> over the Hetzner Cloud API v1. Creates are never repeated blindly:
/// after a failed or lost POST the name is looked up first (a 409 uniqueness_error means "exists").
/// Every wait (actions, boot, retries) goes through the given <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class HetznerCloudProvider : ICloudProvider, IDisposable
{
    /// <summary>The public API endpoint.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.hetzner.cloud/v1");

    /// <summary>The image every server boots.</summary>
    public const string Image = "ubuntu-24.04";

    /// <summary>Label put on everything nvoi creates.</summary>
    public static readonly KeyValuePair<string, string> ManagedBy = new("managed-by", "nvoi");

    private const int MaxAttempts = 6;
    /// <summary>How long an action waits for a resource locked by another running action.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);
    private readonly HttpClient _http;
    private readonly HetznerApi _api;

    /// <summary>Creates the adapter.</summary>
    /// <param name="baseUrl">API root, e.g. https://api.hetzner.cloud/v1 (see <see cref="EndpointFromEnvironment"/>).</param>
    /// <param name="token">API token (sent as bearer; never logged).</param>
    /// <param name="handler">Transport (e.g. SocketsHttpHandler); wrapped with rate-limit and retry handling. Disposed with the adapter.</param>
    /// <param name="time">Clock for retries, action polling and boot waits.</param>
    /// <param name="retry">Retry settings; tests pass zero delays.</param>
    /// <param name="pollInterval">Interval between polls of actions and server status (default 500 ms: a few dozen reads per deploy, far below the API's hourly limit).</param>
    public HetznerCloudProvider(Uri baseUrl, string token, HttpMessageHandler handler, TimeProvider time, RetryOptions? retry = null, TimeSpan? pollInterval = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _http = new HttpClient(new RetryHandler(new RateLimitResetHandler(handler, time), time, retry))
        {
            BaseAddress = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/"),
        };
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("nvoi");
        _api = new HetznerApi(_http, time, pollInterval ?? TimeSpan.FromMilliseconds(500));
    }

    /// <summary>An adapter for the real API (or <c>HCLOUD_ENDPOINT</c>) with the system clock.</summary>
    public static HetznerCloudProvider Create(string token, TimeProvider? time = null) =>
        new(EndpointFromEnvironment(), token, new SocketsHttpHandler(), time ?? TimeProvider.System);

    /// <summary><c>HCLOUD_ENDPOINT</c> (the official CLI's variable) when set, else <see cref="DefaultEndpoint"/>.</summary>
    public static Uri EndpointFromEnvironment(Func<string, string?>? getEnv = null)
    {
        var value = (getEnv ?? Environment.GetEnvironmentVariable)("HCLOUD_ENDPOINT");
        if (string.IsNullOrWhiteSpace(value)) return DefaultEndpoint;
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri : throw new NvoiException($"HCLOUD_ENDPOINT is not an http(s) URL: {value}");
    }

    public string Name => HetznerApi.Provider;

    public void Dispose() => _http.Dispose();

    private static string Q(string value) => Uri.EscapeDataString(value);

    private static string S(JsonNode? node) => node?.GetValue<string>() ?? "";

    private static long L(string id) => long.Parse(id, CultureInfo.InvariantCulture);

    private static JsonObject LabelsJson(IReadOnlyDictionary<string, string>? labels)
    {
        var json = new JsonObject { [ManagedBy.Key] = ManagedBy.Value };
        foreach (var (k, v) in labels ?? new Dictionary<string, string>()) json[k] = v;
        return json;
    }

    /// <summary>POST a create; on a lost/failed answer or a 409 uniqueness_error, find the name before trying again.</summary>
    private async Task<T> CreateOnceAsync<T>(string what, string name, Func<Task<T?>> find, Func<Task<T>> create, CancellationToken ct) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await create().ConfigureAwait(false);
            }
            catch (CloudApiException e) when (e.Code == "uniqueness_error")
            {
                return await find().ConfigureAwait(false)
                    ?? throw new CloudApiException(Name, e.StatusCode, e.Code, $"{what} {name} exists but cannot be found by name");
            }
            catch (Exception e) when (HetznerApi.IsTransient(e) && attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                if (await find().ConfigureAwait(false) is { } existing) return existing;
                await Task.Delay(Backoff(attempt), _api.Time, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs an action POST until <paramref name="isDone"/> holds, checking state before each (re)try.</summary>
    private async Task EnsureAsync(Func<Task<bool>> isDone, Func<Task<JsonObject>> post, CancellationToken ct)
    {
        var lockDeadline = _api.Time.GetUtcNow() + LockWait;
        for (var attempt = 1; ; attempt++)
        {
            if (await isDone().ConfigureAwait(false)) return;
            try
            {
                await _api.WaitForActionsAsync(await post().ConfigureAwait(false), ct).ConfigureAwait(false);
                return;
            }
            catch (CloudApiException e) when (e.Code == "locked" && _api.Time.GetUtcNow() < lockDeadline)
            {
                attempt--; // another action (e.g. the server's boot) is running: wait for it, this is no failure
                await Task.Delay(_api.PollInterval, _api.Time, ct).ConfigureAwait(false);
            }
            catch (CloudApiException e) when (!HetznerApi.IsTransient(e) && e.StatusCode is 409 or 422)
            {
                if (await isDone().ConfigureAwait(false)) return; // e.g. already attached by a lost earlier try
                throw;
            }
            catch (Exception e) when (HetznerApi.IsTransient(e) && attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                await Task.Delay(Backoff(attempt), _api.Time, ct).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int attempt) => TimeSpan.FromTicks(_api.PollInterval.Ticks * attempt);
}
