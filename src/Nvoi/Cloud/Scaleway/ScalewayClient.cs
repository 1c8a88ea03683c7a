using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nvoi.Http;

namespace Nvoi.Cloud.Scaleway;

/// <summary>
/// HTTP plumbing for the Scaleway APIs: <c>X-Auth-Token</c>, JSON bodies, Scaleway's error bodies
/// turned into <see cref="CloudApiException"/>, and page-by-page listing.
/// </summary>
internal sealed class ScalewayClient : IDisposable
{
    public const string Provider = "scaleway";
    /// <summary>Items asked per page (100, Scaleway's maximum; lowered in tests to cross pages).</summary>
    public int PageSize { get; set; } = 100;

    private readonly HttpClient _http;

    public ScalewayClient(Uri baseUri, string secretKey, HttpMessageHandler handler, TimeProvider time, RetryOptions? retry)
    {
        var root = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _http = new HttpClient(new RetryHandler(handler, time, retry), disposeHandler: true)
        {
            BaseAddress = root,
            Timeout = TimeSpan.FromSeconds(100),
        };
        _http.DefaultRequestHeaders.Add("X-Auth-Token", secretKey);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("nvoi/0.3");
    }

    /// <summary>GET a resource; null when it does not exist (404).</summary>
    public async Task<JsonObject?> GetAsync(string path, CancellationToken ct) =>
        await SendAsync(HttpMethod.Get, path, null, ct, notFoundIsNull: true);

    /// <summary>Sends a request with an optional JSON body; null for 204 (or 404 when allowed).</summary>
    public async Task<JsonObject?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct, bool notFoundIsNull = false)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return await SendAsync(request, notFoundIsNull, ct);
    }

    /// <summary>Sends a plain-text body (user data); the answer is 204.</summary>
    public async Task SendTextAsync(HttpMethod method, string path, string text, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'))
        {
            Content = new StringContent(text, Encoding.UTF8, "text/plain"),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        await SendAsync(request, false, ct);
    }

    /// <summary>DELETE; a resource already gone counts as deleted.</summary>
    public Task DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct, notFoundIsNull: true);

    private async Task<JsonObject?> SendAsync(HttpRequestMessage request, bool notFoundIsNull, CancellationToken ct)
    {
        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && notFoundIsNull) return null;
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw ToException((int)response.StatusCode, text);
        if (response.StatusCode == HttpStatusCode.NoContent || string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new CloudApiException(Provider, (int)response.StatusCode, null, "answer is not a JSON object");
        }
        catch (JsonException)
        {
            throw new CloudApiException(Provider, (int)response.StatusCode, null, "answer is not valid JSON");
        }
    }

    /// <summary>Every item of a paginated list, fetching pages of 100 until total_count is reached.</summary>
    /// <param name="path">Path with its filters (without page parameters).</param>
    /// <param name="key">Name of the array in the answer (servers, volumes, ...).</param>
    /// <param name="sizeParameter">per_page (Instance API) or page_size (VPC, Block, IPAM).</param>
    public async Task<List<JsonObject>> ListAsync(string path, string key, string sizeParameter, CancellationToken ct)
    {
        var items = new List<JsonObject>();
        var separator = path.Contains('?') ? '&' : '?';
        for (var page = 1; ; page++)
        {
            var url = string.Create(CultureInfo.InvariantCulture, $"{path}{separator}page={page}&{sizeParameter}={PageSize}");
            var body = await SendAsync(HttpMethod.Get, url, null, ct) ?? new JsonObject();
            var batch = body[key] as JsonArray ?? [];
            items.AddRange(batch.OfType<JsonObject>());
            var total = body["total_count"]?.GetValue<long>() ?? items.Count;
            if (batch.Count == 0 || items.Count >= total) return items;
        }
    }

    /// <summary>Every entry of a paginated map (products/servers answers an object keyed by name).</summary>
    public async Task<List<KeyValuePair<string, JsonObject>>> ListMapAsync(string path, string key, CancellationToken ct)
    {
        var items = new List<KeyValuePair<string, JsonObject>>();
        for (var page = 1; ; page++)
        {
            var url = string.Create(CultureInfo.InvariantCulture, $"{path}?page={page}&per_page={PageSize}");
            var body = await SendAsync(HttpMethod.Get, url, null, ct) ?? new JsonObject();
            var batch = body[key] as JsonObject ?? [];
            foreach (var (name, value) in batch)
                if (value is JsonObject o) items.Add(new(name, o));
            var total = body["total_count"]?.GetValue<long>() ?? items.Count;
            if (batch.Count == 0 || items.Count >= total) return items;
        }
    }

    /// <summary>Scaleway's <c>{"type": ..., "message": ...}</c> (with fields or details) as an exception.</summary>
    internal static CloudApiException ToException(int status, string text)
    {
        string? type = null;
        var message = $"HTTP {status}";
        try
        {
            if (JsonNode.Parse(text) is JsonObject error)
            {
                type = error.S("type");
                message = error.S("message") ?? message;
                var extra = new List<string>();
                if (error["fields"] is JsonObject fields)
                    foreach (var (field, value) in fields)
                        extra.Add($"{field}: {string.Join(", ", (value as JsonArray ?? []).Select(v => v?.ToString()))}");
                if (error["details"] is JsonArray details)
                    foreach (var d in details.OfType<JsonObject>())
                        extra.Add($"{d.S("argument_name")}: {d.S("help_message") ?? d.S("reason")}");
                if (error.S("help_message") is { Length: > 0 } help && type != "too_many_requests") extra.Add(help);
                if (type == "denied_authentication" && error.S("reason") is { } reason) extra.Add($"{error.S("method")} {reason}");
                if (type == "not_found" && error.S("resource") is { } resource) extra.Add($"{resource} {error.S("resource_id")}");
                if (extra.Count > 0) message += " (" + string.Join("; ", extra) + ")";
            }
        }
        catch (JsonException)
        {
            // not JSON: keep the status line
        }
        return status is 401 or 403
            ? new CloudAuthenticationException(Provider, status, type, message)
            : new CloudApiException(Provider, status, type, message);
    }

    public void Dispose() => _http.Dispose();
}

internal static class ScwJson
{
    public static string? S(this JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long L(this JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v
            ? v.TryGetValue<long>(out var l) ? l
            : v.TryGetValue<double>(out var d) ? (long)d
            : v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out l) ? l : 0
            : 0;

    public static double D(this JsonNode? node, string key) =>
        node is JsonObject o && o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : 0;

    public static string Q(string value) => Uri.EscapeDataString(value);
}
