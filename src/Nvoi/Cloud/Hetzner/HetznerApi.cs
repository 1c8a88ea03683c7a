using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nvoi.Http;

namespace Nvoi.Cloud.Hetzner;

/// <summary>Hetzner Cloud API v1 transport: bearer auth, typed errors, pagination and actions.</summary>
internal sealed class HetznerApi(HttpClient http, TimeProvider time, TimeSpan pollInterval)
{
    public const string Provider = "hetzner";
    public TimeProvider Time => time;
    public TimeSpan PollInterval => pollInterval;

    public async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
            return string.IsNullOrWhiteSpace(text) ? new JsonObject() : Parse(text) as JsonObject ?? new JsonObject();
        throw ToException(response.StatusCode, text);
    }

    public Task<JsonObject> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonObject> PostAsync(string path, JsonNode body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    /// <summary>GET, or null on 404.</summary>
    public async Task<JsonObject?> TryGetAsync(string path, CancellationToken ct)
    {
        try { return await GetAsync(path, ct).ConfigureAwait(false); }
        catch (CloudApiException e) when (e.StatusCode == 404) { return null; }
    }

    /// <summary>DELETE; a 404 means it is already gone.</summary>
    public async Task<JsonObject?> DeleteAsync(string path, CancellationToken ct)
    {
        try { return await SendAsync(HttpMethod.Delete, path, null, ct).ConfigureAwait(false); }
        catch (CloudApiException e) when (e.StatusCode == 404) { return null; }
    }

    /// <summary>Every item of a list endpoint, following <c>meta.pagination.next_page</c> (50 per page).</summary>
    public async Task<List<JsonObject>> ListAsync(string path, string key, CancellationToken ct)
    {
        var items = new List<JsonObject>();
        var separator = path.Contains('?') ? '&' : '?';
        int? page = 1;
        while (page is { } p)
        {
            var json = await GetAsync($"{path}{separator}page={p}&per_page=50", ct).ConfigureAwait(false);
            items.AddRange((json[key] as JsonArray ?? []).OfType<JsonObject>());
            var next = json["meta"]?["pagination"]?["next_page"];
            page = next is JsonValue v && v.TryGetValue<int>(out var n) && n > p ? n : null;
        }
        return items;
    }

    /// <summary>Waits for every action in the response (<c>action</c>, <c>actions</c>, <c>next_actions</c>).</summary>
    public async Task WaitForActionsAsync(JsonObject response, CancellationToken ct)
    {
        var actions = new List<JsonNode?>();
        if (response["action"] is JsonObject a) actions.Add(a);
        actions.AddRange(response["actions"] as JsonArray ?? []);
        actions.AddRange(response["next_actions"] as JsonArray ?? []);
        foreach (var action in actions.OfType<JsonObject>())
            await WaitForActionAsync(action, ct).ConfigureAwait(false);
    }

    /// <summary>Polls <c>/actions/{id}</c> through the TimeProvider until success or error.</summary>
    public async Task WaitForActionAsync(JsonObject action, CancellationToken ct)
    {
        var id = Id(action);
        var first = true;
        while (true)
        {
            var status = action["status"]?.GetValue<string>();
            if (status == "success") return;
            if (status == "error")
            {
                var error = action["error"];
                throw new CloudApiException(Provider, 0, error?["code"]?.GetValue<string>(),
                    $"action {action["command"]} failed: {error?["message"]?.GetValue<string>() ?? "unknown error"}");
            }
            if (!first) await Task.Delay(pollInterval, time, ct).ConfigureAwait(false);
            first = false;
            action = (await GetAsync($"actions/{id}", ct).ConfigureAwait(false))["action"] as JsonObject
                ?? throw new CloudApiException(Provider, 200, null, $"action {id} answered without a body");
        }
    }

    public static string Id(JsonNode? resource) =>
        resource?["id"]?.GetValue<long>().ToString(CultureInfo.InvariantCulture) ?? throw new CloudApiException(Provider, 200, null, "resource without an id");

    private static JsonNode? Parse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return null; }
    }

    /// <summary>Maps <c>{"error":{"code","message"}}</c> to a typed exception carrying the provider's message.</summary>
    internal static CloudApiException ToException(HttpStatusCode status, string body)
    {
        var error = Parse(body)?["error"];
        var code = error?["code"]?.GetValue<string>();
        var message = error?["message"]?.GetValue<string>() ?? $"HTTP {(int)status}";
        if (error?["details"]?["fields"] is JsonArray fields)
        {
            var detail = string.Join("; ", fields.Select(f => $"{f?["name"]}: {string.Join(", ", (f?["messages"] as JsonArray ?? []).Select(m => m?.ToString()))}"));
            if (detail.Length > 0) message += $" ({detail})";
        }
        return (int)status is 401 || code is "unauthorized" or "token_readonly"
            ? new CloudAuthenticationException(Provider, (int)status, code, message)
            : new CloudApiException(Provider, (int)status, code, message);
    }

    /// <summary>Worth trying again after checking what happened: network, 5xx, 429, locked or conflict.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        HttpRequestException => true,
        CloudApiException api => api.StatusCode is 429 or >= 500 || api.Code is "locked" or "conflict" or "rate_limit_exceeded",
        _ => false,
    };
}
