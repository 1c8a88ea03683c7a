using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Sandbox.Cloudflare;

/// <summary>
/// Emulates the parts of Cloudflare API v4 nvoi uses (token verify, zones, DNS records,
/// remotely managed tunnels) with the real paths, envelopes, pagination and error codes.
/// Special bearer tokens: <c>invalid</c> (401 everywhere), <c>no-tunnel-permission</c> (403 on
/// /accounts/…), <c>no-dns-permission</c> (403 on /zones/…/dns_records); any other token is valid.
/// </summary>
public sealed partial class CloudflareEmulator : IEmulator
{
    /// <summary>Account of the sandbox unless Settings["cloudflare.account_id"] says otherwise.</summary>
    public const string DefaultAccountId = "023e105f4ecef8ad9ca31a8372d0c353";
    public const string DefaultZones = "example.com,example.co.uk";
    public const string InvalidToken = "invalid";
    public const string NoTunnelPermissionToken = "no-tunnel-permission";
    public const string NoDnsPermissionToken = "no-dns-permission";

    private static readonly JsonSerializerOptions StateJson = new() { WriteIndented = true };
    private readonly object _lock = new();
    private readonly EmulatorOptions _options;
    private readonly int _propagationReads;
    private CloudflareState _state = new();
    private int _rateLimitNext;

    public CloudflareEmulator(EmulatorOptions options)
    {
        _options = options;
        var settings = options.Settings;
        _state.AccountId = settings.TryGetValue("cloudflare.account_id", out var account) && account.Length > 0 ? account : DefaultAccountId;
        var zones = settings.TryGetValue("cloudflare.zones", out var z) && z.Length > 0 ? z : DefaultZones;
        var now = options.Time.GetUtcNow();
        foreach (var name in zones.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            _state.Zones.Add(new ZoneState { Id = ZoneState.IdFor(name.ToLowerInvariant()), Name = name.ToLowerInvariant(), CreatedOn = now });
        _propagationReads = settings.TryGetValue("cloudflare.config_propagation_reads", out var reads) && int.TryParse(reads, out var n) ? n : 0;
    }

    public string Key => "cloudflare";
    public string BasePath => "/client/v4";
    public string AccountId => _state.AccountId;

    /// <summary>Test hook: answer the next <paramref name="count"/> requests with 429 (Retry-After: 1).</summary>
    internal void RateLimitNext(int count) => Interlocked.Exchange(ref _rateLimitNext, count);

    /// <summary>Test hook: pretend cloudflared holds <paramref name="count"/> connections to the tunnel.</summary>
    internal void SetConnections(string tunnelId, int count)
    {
        lock (_lock) _state.Tunnels.Single(t => t.Id == tunnelId).Connections = count;
    }

    public void MapRoutes(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(BasePath);
        api.AddEndpointFilter(async (context, next) => Authorize(context.HttpContext) ?? await next(context));
        MapTokenRoutes(api);
        MapZoneRoutes(api);
        MapTunnelRoutes(api);
        api.MapFallback((HttpContext http) => Error(404, 7000, $"No route for that URI"));
    }

    private static void MapTokenRoutes(IEndpointRouteBuilder api) =>
        api.MapGet("/user/tokens/verify", (HttpContext http) =>
        {
            var token = BearerToken(http)!;
            var id = ZoneState.IdFor("token:" + token);
            return Ok(new JsonObject { ["id"] = id, ["status"] = "active", ["not_before"] = null, ["expires_on"] = null },
                messages: new JsonArray(new JsonObject { ["code"] = 10000, ["message"] = "This API Token is valid and active", ["type"] = null }));
        });

    private IResult? Authorize(HttpContext http)
    {
        if (Interlocked.Decrement(ref _rateLimitNext) >= 0)
        {
            http.Response.Headers.RetryAfter = "1";
            return Error(429, 971, "Please wait and consider throttling your request speed");
        }
        Interlocked.CompareExchange(ref _rateLimitNext, 0, -1);
        var token = BearerToken(http);
        if (token is null)
            return Error(400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers");
        var path = http.Request.Path.Value ?? "";
        if (token == InvalidToken)
            return path.EndsWith("/user/tokens/verify", StringComparison.Ordinal)
                ? Error(401, 1000, "Invalid API Token")
                : Error(401, 10000, "Authentication error");
        if (token == NoTunnelPermissionToken && path.Contains("/accounts/", StringComparison.Ordinal))
            return Error(403, 10000, "Authentication error");
        if (token == NoDnsPermissionToken && path.Contains("/dns_records", StringComparison.Ordinal))
            return Error(403, 10000, "Authentication error");
        return null;
    }

    private static string? BearerToken(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    // ---- envelopes -------------------------------------------------------------------------

    internal static IResult Ok(JsonNode? result, JsonObject? resultInfo = null, JsonArray? messages = null)
    {
        var body = new JsonObject
        {
            ["success"] = true,
            ["errors"] = new JsonArray(),
            ["messages"] = messages ?? new JsonArray(),
            ["result"] = result,
        };
        if (resultInfo is not null) body["result_info"] = resultInfo;
        return Results.Content(body.ToJsonString(), "application/json", statusCode: 200);
    }

    internal static IResult Error(int status, int code, string message) =>
        Results.Content(ErrorBody(code, message), "application/json", statusCode: status);

    private static string ErrorBody(int code, string message) => new JsonObject
    {
        ["success"] = false,
        ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }),
        ["messages"] = new JsonArray(),
        ["result"] = null,
    }.ToJsonString();

    /// <summary>One page of a list, with Cloudflare's result_info (page, per_page, count, total_count, total_pages).</summary>
    internal static IResult Page(HttpContext http, IReadOnlyList<JsonNode> items, int defaultPerPage, int maxPerPage)
    {
        var query = http.Request.Query;
        var page = int.TryParse(query["page"], out var p) && p > 0 ? p : 1;
        var perPage = int.TryParse(query["per_page"], out var pp) && pp > 0 ? Math.Min(pp, maxPerPage) : defaultPerPage;
        var slice = items.Skip((page - 1) * perPage).Take(perPage).Select(n => n.DeepClone()).ToArray();
        var info = new JsonObject
        {
            ["page"] = page,
            ["per_page"] = perPage,
            ["count"] = slice.Length,
            ["total_count"] = items.Count,
            ["total_pages"] = Math.Max(1, (items.Count + perPage - 1) / perPage),
        };
        return Ok(new JsonArray(slice), info);
    }

    /// <summary>The JSON object of a request body, or null when it is not one.</summary>
    internal static async Task<JsonObject?> ReadBody(HttpContext http)
    {
        try { return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject; }
        catch (JsonException) { return null; }
    }

    internal static IResult BadJson() => Error(400, 9207, "Request body is invalid.");

    public Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        var cfCode = status == 429 ? 971 : 10002;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(ErrorBody(cfCode, message));
    }

    public string SaveState()
    {
        lock (_lock) return JsonSerializer.Serialize(_state, StateJson);
    }

    public void LoadState(string json)
    {
        var state = JsonSerializer.Deserialize<CloudflareState>(json) ?? throw new InvalidDataException("cloudflare emulator state is empty");
        lock (_lock) _state = state;
    }
}
