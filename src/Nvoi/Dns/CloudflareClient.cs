using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Nvoi.Http;

namespace Nvoi.Dns;

/// <summary>
/// The Cloudflare API v4 adapter: bearer token, Cloudflare's envelope mapped to typed errors,
/// 429/5xx retried through <see cref="RetryHandler"/>, creates guarded by a look-up of the name.
/// </summary>
public sealed partial class CloudflareClient : ICloudflare, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly CloudflareSettings _settings;

    /// <param name="settings">Token, account and base URL.</param>
    /// <param name="innerHandler">Transport under the retry handler (defaults to a <see cref="SocketsHttpHandler"/>).</param>
    public CloudflareClient(CloudflareSettings settings, HttpMessageHandler? innerHandler = null)
    {
        _settings = settings;
        var retry = new RetryHandler(innerHandler ?? new SocketsHttpHandler(), settings.Time, settings.Retry);
        var baseUrl = settings.BaseUrl.ToString();
        _http = new HttpClient(retry) { BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/") };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiToken);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("nvoi");
    }

    public string AccountId => _settings.AccountId;

    public void Dispose() => _http.Dispose();

    public async Task<TokenStatus> VerifyTokenAsync(CancellationToken ct)
    {
        var token = await GetAsync<TokenDto>("user/tokens/verify", ct).ConfigureAwait(false);
        return new TokenStatus(token.Id, token.Status);
    }

    public async Task VerifyAccessAsync(CancellationToken ct)
    {
        var token = await VerifyTokenAsync(ct).ConfigureAwait(false);
        if (!string.Equals(token.Status, "active", StringComparison.OrdinalIgnoreCase))
            throw new CloudflareAuthException($"cloudflare: the API token is {token.Status}, not active", 200, []);
        await SendAsync(HttpMethod.Get, $"{TunnelsPath}?per_page=1&is_deleted=false", null, ct).ConfigureAwait(false);
        var zones = await SendAsync(HttpMethod.Get, "zones?per_page=5", null, ct).ConfigureAwait(false);
        var first = zones.Result.Deserialize<List<ZoneDto>>(Json) ?? [];
        if (first.Count == 0)
            throw new CloudflarePermissionException(CloudflarePermissions.DnsEdit,
                $"cloudflare: the API token sees no zone; give it {CloudflarePermissions.DnsEdit} on the zones of your domains", 200, []);
        await SendAsync(HttpMethod.Get, $"zones/{first[0].Id}/dns_records?per_page=5", null, ct).ConfigureAwait(false);
    }

    // ---- transport -------------------------------------------------------------------------

    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        var envelope = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        return Result<T>(envelope, HttpMethod.Get, path);
    }

    private static T Result<T>(EnvelopeDto envelope, HttpMethod method, string path) =>
        envelope.Result.Deserialize<T>(Json)
        ?? throw new CloudflareApiException($"cloudflare: {Describe(method, path)} answered without a result", 200, []);

    /// <summary>Every page of a list endpoint (page/per_page, stops at result_info.total_pages).</summary>
    private async Task<List<T>> ListAllAsync<T>(string path, int perPage, CancellationToken ct)
    {
        var all = new List<T>();
        var separator = path.Contains('?') ? '&' : '?';
        for (var page = 1; ; page++)
        {
            var envelope = await SendAsync(HttpMethod.Get, $"{path}{separator}page={page}&per_page={perPage}", null, ct).ConfigureAwait(false);
            var items = envelope.Result.Deserialize<List<T>>(Json) ?? [];
            all.AddRange(items);
            var info = envelope.ResultInfo;
            if (items.Count == 0 || info is null) return all;
            var totalPages = info.TotalPages ?? (info.TotalCount is { } total ? (total + perPage - 1) / perPage : page);
            if (page >= totalPages) return all;
        }
    }

    /// <summary>Sends one request and returns the envelope of a successful answer, or throws the mapped error.</summary>
    private async Task<EnvelopeDto> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CloudflareApiException($"cloudflare: {Describe(method, path)} failed: {e.Message}", 0, []);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            EnvelopeDto? envelope = null;
            try
            {
                envelope = await response.Content.ReadFromJsonAsync<EnvelopeDto>(Json, ct).ConfigureAwait(false);
            }
            catch (JsonException) { }
            if (response.IsSuccessStatusCode && envelope is { Success: true }) return envelope;
            var errors = envelope?.Errors?.Select(e => new CloudflareError(e.Code, e.Message ?? "")).ToList() ?? [];
            throw MapError(method, path, status, errors);
        }
    }

    private static string Describe(HttpMethod method, string path)
    {
        var q = path.IndexOf('?');
        return $"{method} /{(q < 0 ? path : path[..q])}";
    }

    // Cloudflare's codes for a missing or malformed credential (answered with 400).
    private static readonly HashSet<int> CredentialCodes = [6003, 6111, 9106, 9109, 10001];

    private static CloudflareApiException MapError(HttpMethod method, string path, int status, List<CloudflareError> errors)
    {
        var what = Describe(method, path);
        if (status == 401 || (status == 400 && errors.Any(e => CredentialCodes.Contains(e.Code))))
            return new CloudflareAuthException(
                CloudflareApiException.Describe($"{what} (the API token is invalid, expired or missing)", status, errors), status, errors);
        if (status == 403)
        {
            var permission = PermissionFor(path);
            return new CloudflarePermissionException(permission,
                $"cloudflare: the API token lacks the permission {permission} ({what} answered 403)", status, errors);
        }
        return new CloudflareApiException(CloudflareApiException.Describe(what, status, errors), status, errors);
    }

    /// <summary>The dashboard permission a path needs.</summary>
    internal static string PermissionFor(string path)
    {
        if (path.Contains("/cfd_tunnel", StringComparison.Ordinal) || path.StartsWith("accounts/", StringComparison.Ordinal))
            return CloudflarePermissions.TunnelEdit;
        if (path.Contains("/dns_records", StringComparison.Ordinal)) return CloudflarePermissions.DnsEdit;
        if (path.StartsWith("zones", StringComparison.Ordinal)) return CloudflarePermissions.ZoneRead;
        return "a permission for " + path;
    }

    /// <summary>
    /// Sends a create; when the answer is lost (5xx, network) or names a conflict, looks the
    /// resource up and returns it if it is there, else sends the create again.
    /// </summary>
    private async Task<T> CreateGuardedAsync<T>(Func<CancellationToken, Task<T>> create, Func<CancellationToken, Task<T?>> lookup,
        Func<CloudflareApiException, bool> isConflict, CancellationToken ct) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await create(ct).ConfigureAwait(false);
            }
            catch (CloudflareApiException e) when (e.StatusCode is 0 or >= 500 || isConflict(e))
            {
                if (await lookup(ct).ConfigureAwait(false) is { } found) return found;
                if (isConflict(e) || attempt >= _settings.CreateAttempts) throw;
            }
        }
    }
}
