using System.Globalization;
using System.Net.Http;
using System.Text.Json.Nodes;
using Nvoi.Http;

namespace Nvoi.Cloud.Scaleway;

/// <summary>
/// Scaleway compute: Instance API (servers, security groups, private NICs, user data), VPC v2
/// private networks (in the zone's region), Block API volumes and IPAM for private addresses.
/// Every create looks the name up first, and again when its answer was lost.
/// </summary>
public sealed partial class ScalewayProvider : ICloudProvider, IDisposable
{
    /// <summary>The public API; override with the environment variable <c>SCW_API_URL</c>.</summary>
    public static readonly Uri DefaultApiUrl = new("https://api.scaleway.com");

    /// <summary>The image every server boots (Ubuntu 24.04), as a Scaleway image label.</summary>
    public const string ImageLabel = "ubuntu_noble";

    /// <summary>The private network's only subnet.</summary>
    public const string Subnet = "10.0.1.0/24";

    private const int CreateAttempts = 5;

    private readonly ScalewayClient _api;
    private readonly string _projectId;
    private readonly string _zone;
    private readonly string _region;
    private readonly TimeProvider _time;

    /// <param name="baseUri">API root, e.g. https://api.scaleway.com or an emulator.</param>
    /// <param name="secretKey">The API key's secret (sent as X-Auth-Token, never logged).</param>
    /// <param name="projectId">Project (UUID) that owns every resource.</param>
    /// <param name="zone">Availability zone such as fr-par-1; the region (fr-par) is derived from it.</param>
    /// <param name="handler">Innermost HTTP handler (wrapped in <see cref="RetryHandler"/>).</param>
    /// <param name="time">Clock for retries and waits (fake in tests).</param>
    /// <param name="retry">Retry settings; <see cref="RetryOptions.Default"/> when null.</param>
    public ScalewayProvider(Uri baseUri, string secretKey, string projectId, string zone, HttpMessageHandler handler, TimeProvider time, RetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(zone);
        _api = new ScalewayClient(baseUri, secretKey, handler, time, retry);
        _projectId = projectId;
        _zone = zone;
        _region = ScalewayZones.RegionOf(zone);
        _time = time;
    }

    /// <summary>A provider for the real API (or <c>SCW_API_URL</c> when set).</summary>
    public static ScalewayProvider Create(string secretKey, string projectId, string zone, TimeProvider? time = null)
    {
        var baseUri = ApiUrl(Environment.GetEnvironmentVariable("SCW_API_URL"));
        return new ScalewayProvider(baseUri, secretKey, projectId, zone, new SocketsHttpHandler(), time ?? TimeProvider.System);
    }

    /// <summary>The API root for a value of <c>SCW_API_URL</c>: the default when unset, else an absolute http(s) URL.</summary>
    public static Uri ApiUrl(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return DefaultApiUrl;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new NvoiException($"SCW_API_URL is not an http(s) URL: {value}");
        return uri;
    }

    public string Name => ScalewayClient.Provider;

    /// <summary>The zone every resource lives in.</summary>
    public string Zone => _zone;

    /// <summary>How often <see cref="WaitForServerRunningAsync"/> and other waits poll.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Items asked per list page; tests lower it to exercise paging.</summary>
    internal int PageSize { get => _api.PageSize; set => _api.PageSize = value; }

    private string Instance => $"instance/v1/zones/{_zone}";
    private string Vpc => $"vpc/v2/regions/{_region}";
    private string Block => $"block/v1alpha1/zones/{_zone}";
    private string Ipam => $"ipam/v1/regions/{_region}";

    // ---- validation and catalogue ----

    public async Task ValidateCredentialsAsync(CancellationToken ct) =>
        await _api.SendAsync(HttpMethod.Get, $"{Instance}/servers?project={ScwJson.Q(_projectId)}&per_page=1", null, ct);

    public Task ValidateLocationAsync(string location, CancellationToken ct)
    {
        if (!ScalewayZones.IsZone(location))
            throw new CloudValidationException($"scaleway zone '{location}' does not exist; valid zones: {string.Join(", ", ScalewayZones.All.Select(z => z.Name))}");
        return Task.CompletedTask;
    }

    public async Task ValidateServerTypeAsync(string serverType, string location, CancellationToken ct)
    {
        await ValidateLocationAsync(location, ct);
        var types = await ListTypesAsync(location, ct);
        if (!types.Any(t => t.Name == serverType))
            throw new CloudValidationException(
                $"scaleway server type '{serverType}' is not offered in {location}; valid types: {string.Join(", ", types.Select(t => t.Name).Order(StringComparer.Ordinal))}");
    }

    public Task<IReadOnlyList<ServerTypeInfo>> ListServerTypesAsync(CancellationToken ct) => ListTypesAsync(_zone, ct);

    public Task<IReadOnlyList<LocationInfo>> ListLocationsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<LocationInfo>>(ScalewayZones.All);

    public async Task<CpuArchitecture> GetArchitectureAsync(string serverType, CancellationToken ct)
    {
        var types = await ListTypesAsync(_zone, ct);
        return types.FirstOrDefault(t => t.Name == serverType)?.Architecture
            ?? throw new CloudValidationException($"scaleway server type '{serverType}' is not offered in {_zone}");
    }

    private async Task<IReadOnlyList<ServerTypeInfo>> ListTypesAsync(string zone, CancellationToken ct)
    {
        var entries = await _api.ListMapAsync($"instance/v1/zones/{zone}/products/servers", "servers", ct);
        return entries.Select(e =>
        {
            var hourly = e.Value.D("hourly_price");
            return new ServerTypeInfo(
                e.Key,
                (int)e.Value.L("ncpus"),
                Math.Round(e.Value.L("ram") / (double)(1L << 30), 2),
                hourly > 0 ? Math.Round((decimal)hourly * 730m, 2) : null,
                "EUR",
                e.Value.S("arch") == "arm64" ? CpuArchitecture.Arm64 : CpuArchitecture.Amd64,
                [zone]);
        }).ToList();
    }

    // ---- create without duplicates ----

    /// <summary>
    /// Returns the resource found by name, or creates it. When a create's answer is lost (5xx or a
    /// network failure) the name is looked up again before anything is sent twice.
    /// </summary>
    private static async Task<T> FindOrCreateAsync<T>(Func<Task<T?>> find, Func<Task<T>> create, CancellationToken ct) where T : class
    {
        if (await find() is { } existing) return existing;
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return await create();
            }
            catch (Exception e) when (IsAmbiguous(e) && attempt < CreateAttempts)
            {
                if (await find() is { } created) return created;
            }
        }
    }

    /// <summary>Runs a non-idempotent step until <paramref name="done"/> holds, checking again after a lost answer.</summary>
    private static async Task EnsureAsync(Func<Task<bool>> done, Func<Task> step, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            if (await done()) return;
            try
            {
                await step();
                return;
            }
            catch (Exception e) when (IsAmbiguous(e) && attempt < CreateAttempts)
            {
                // the step may or may not have happened: look again
            }
        }
    }

    /// <summary>The request may have been carried out although it failed (5xx, network).</summary>
    private static bool IsAmbiguous(Exception e) =>
        e is HttpRequestException || e is CloudApiException { StatusCode: >= 500 };

    private Task DelayAsync(CancellationToken ct) => Task.Delay(PollInterval, _time, ct);

    private static string Tag(KeyValuePair<string, string> label) => string.Create(CultureInfo.InvariantCulture, $"{label.Key}={label.Value}");

    public void Dispose() => _api.Dispose();
}
