using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Sandbox.Hetzner;

/// <summary>
/// Stateful in-memory Hetzner Cloud API v1: networks, firewalls, servers, volumes, actions and the
/// catalogue, with the real paths, JSON shapes, status codes, error bodies and pagination.
/// Token <c>invalid</c> (or none) is refused with 401. Settings: <c>hetzner:rate-limited-requests</c>
/// = N answers the first N requests with 429 and RateLimit-* headers.
/// </summary>
public sealed partial class HetznerEmulator : IEmulator
{
    private readonly EmulatorOptions _options;
    private readonly object _gate = new();
    private HetznerState _state = new();
    private int _rateLimited;

    public HetznerEmulator(EmulatorOptions options)
    {
        _options = options;
        if (options.Settings.TryGetValue("hetzner:rate-limited-requests", out var n))
            _rateLimited = int.Parse(n, CultureInfo.InvariantCulture);
    }

    public string Key => "hetzner";
    public string BasePath => "/v1";

    /// <summary>Answers the next <paramref name="count"/> requests with 429 rate_limit_exceeded.</summary>
    public void RateLimitNextRequests(int count) => Interlocked.Exchange(ref _rateLimited, count);

    /// <summary>Requests that matched no emulated endpoint ("METHOD /path?query"), to find gaps.</summary>
    public IReadOnlyList<string> UnhandledRequests { get { lock (_gate) return [.. _unhandled]; } }
    private readonly List<string> _unhandled = [];

    /// <summary>Counts of live resources by kind (networks, firewalls, servers, volumes), for tests.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ResourceNames()
    {
        lock (_gate)
            return new Dictionary<string, IReadOnlyList<string>>
            {
                ["networks"] = _state.Networks.Select(n => n.Name).ToList(),
                ["firewalls"] = _state.Firewalls.Select(n => n.Name).ToList(),
                ["servers"] = _state.Servers.Select(n => n.Name).ToList(),
                ["volumes"] = _state.Volumes.Select(n => n.Name).ToList(),
            };
    }

    private DateTimeOffset Now => _options.Time.GetUtcNow();

    public string SaveState() { lock (_gate) return JsonSerializer.Serialize(_state); }

    public void LoadState(string json) { lock (_gate) _state = JsonSerializer.Deserialize<HetznerState>(json) ?? new(); }

    public Task WriteErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteJson(context, status, ErrorBody(code, message, null));

    public void MapRoutes(IEndpointRouteBuilder routes)
    {
        MapCatalog(routes);
        MapActions(routes);
        MapNetworks(routes);
        MapFirewalls(routes);
        MapServers(routes);
        MapVolumes(routes);
        routes.Map("/v1/{**rest}", Handle((Func<HttpContext, IResult>)(ctx =>
        {
            lock (_gate) _unhandled.Add($"{ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString}");
            throw new ApiError(404, "not_found", "not found");
        })));
    }

    /// <summary>Wraps a handler with authentication, the rate limit and the error body.</summary>
    private RequestDelegate Handle(Func<HttpContext, Task<IResult>> handler) => async ctx =>
    {
        var limited = Interlocked.Decrement(ref _rateLimited) >= 0;
        AddRateLimitHeaders(ctx, limited ? 0 : 3599);
        try
        {
            if (limited)
                throw new ApiError(429, "rate_limit_exceeded", "limit of 3600 requests per hour reached");
            var auth = ctx.Request.Headers.Authorization.ToString();
            if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || auth.Length <= 7 || auth[7..] == "invalid")
                throw new ApiError(401, "unauthorized", "unable to authenticate");
            var result = await handler(ctx);
            await result.ExecuteAsync(ctx);
        }
        catch (ApiError e)
        {
            await WriteJson(ctx, e.Status, ErrorBody(e.Code, e.Message, e.Details));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException && !ctx.Response.HasStarted)
        {
            // A value of the wrong JSON type somewhere in the body.
            await WriteJson(ctx, 400, ErrorBody("invalid_input", "invalid input: " + e.Message, null));
        }
    };

    private RequestDelegate Handle(Func<HttpContext, IResult> handler) => Handle(ctx => Task.FromResult(handler(ctx)));

    private void AddRateLimitHeaders(HttpContext ctx, int remaining)
    {
        ctx.Response.Headers["RateLimit-Limit"] = "3600";
        ctx.Response.Headers["RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        var reset = Now.AddSeconds(remaining == 0 ? 1 : 3600 - remaining).ToUnixTimeSeconds();
        ctx.Response.Headers["RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
    }

    private static JsonObject ErrorBody(string code, string message, JsonNode? details) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["details"] = details } };

    private static readonly JsonSerializerOptions Wire = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static Task WriteJson(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(body.ToJsonString(Wire));
    }

    private static IResult Json(JsonNode body, int status = 200) => Results.Text(body.ToJsonString(Wire), "application/json", null, status);

    private static async Task<JsonObject> ReadBody(HttpContext ctx)
    {
        try
        {
            var node = await JsonNode.ParseAsync(ctx.Request.Body);
            return node as JsonObject ?? throw new ApiError(400, "json_error", "request body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new ApiError(400, "json_error", "invalid JSON: " + e.Message);
        }
    }

    private static long RouteId(HttpContext ctx, string key = "id") =>
        long.TryParse(ctx.Request.RouteValues[key]?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id : throw new ApiError(404, "not_found", "not found");

    private static ApiError InvalidInput(string field, string message) =>
        new(400, "invalid_input", $"invalid input in field '{field}'",
            new JsonObject { ["fields"] = new JsonArray(new JsonObject { ["name"] = field, ["messages"] = new JsonArray(message) }) });

    private static ApiError NotFound(string what, long id) => new(404, "not_found", $"{what} with ID '{id}' not found");

    /// <summary>Applies the `?name=` and `?label_selector=` filters and `meta.pagination` to a list.</summary>
    private static JsonObject Page(HttpContext ctx, string key, IEnumerable<(string Name, IReadOnlyDictionary<string, string> Labels, JsonObject Json)> items)
    {
        var q = ctx.Request.Query;
        var filtered = items;
        if (q.TryGetValue("name", out var name) && name.Count > 0)
            filtered = filtered.Where(i => i.Name == name.ToString());
        if (q.TryGetValue("label_selector", out var selector) && !string.IsNullOrEmpty(selector))
            filtered = filtered.Where(i => MatchesSelector(i.Labels, selector.ToString()));
        var all = filtered.Select(i => i.Json).ToList();
        var page = q.TryGetValue("page", out var p) && int.TryParse(p, out var pv) && pv > 0 ? pv : 1;
        var perPage = q.TryGetValue("per_page", out var pp) && int.TryParse(pp, out var ppv) && ppv > 0 ? Math.Min(ppv, 50) : 25;
        var lastPage = Math.Max(1, (all.Count + perPage - 1) / perPage);
        var array = new JsonArray(all.Skip((page - 1) * perPage).Take(perPage).Select(j => (JsonNode)j.DeepClone()).ToArray());
        return new JsonObject
        {
            [key] = array,
            ["meta"] = new JsonObject
            {
                ["pagination"] = new JsonObject
                {
                    ["page"] = page, ["per_page"] = perPage,
                    ["previous_page"] = page > 1 ? page - 1 : null,
                    ["next_page"] = page < lastPage ? page + 1 : null,
                    ["last_page"] = lastPage, ["total_entries"] = all.Count,
                },
            },
        };
    }

    private static bool MatchesSelector(IReadOnlyDictionary<string, string> labels, string selector) =>
        selector.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).All(term =>
        {
            if (term.StartsWith('!')) return !labels.ContainsKey(term[1..]);
            var parts = term.Split("!=", 2);
            if (parts.Length == 2) return !labels.TryGetValue(parts[0], out var v1) || v1 != parts[1];
            parts = term.Split('=', 2);
            if (parts.Length == 2) return labels.TryGetValue(parts[0].TrimEnd('='), out var v2) && v2 == parts[1].TrimStart('=');
            return labels.ContainsKey(term);
        });

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Labels(JsonObject body)
    {
        var labels = new Dictionary<string, string>();
        if (body["labels"] is JsonObject o)
            foreach (var (k, v) in o)
                labels[k] = v?.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw InvalidInput("labels", "label values must be strings");
        return labels;
    }

    private static JsonObject LabelsJson(Dictionary<string, string> labels)
    {
        var o = new JsonObject();
        foreach (var (k, v) in labels) o[k] = v;
        return o;
    }

    private static string RequireName(JsonObject body)
    {
        var name = body["name"]?.GetValueKind() == JsonValueKind.String ? body["name"]!.GetValue<string>() : null;
        if (string.IsNullOrWhiteSpace(name)) throw InvalidInput("name", "Missing data for required field.");
        if (name.Length > 63 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            throw InvalidInput("name", "name must be a valid hostname-like name (letters, digits, '-', '.', '_', at most 63)");
        return name;
    }

    private static string? OptString(JsonObject body, string field) => body[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => throw InvalidInput(field, "must be a string or an ID"),
    };

    private static long? OptLong(JsonNode? node, string field) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        _ => throw InvalidInput(field, "must be an integer ID"),
    };
}

/// <summary>An API error answered with the Hetzner error body.</summary>
internal sealed class ApiError(int status, string code, string message, JsonNode? details = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public JsonNode? Details { get; } = details;
}
