using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Nvoi.Sandbox.Scaleway;

/// <summary>A JSON answer with exactly <c>Content-Type: application/json</c>, as the official SDK requires.</summary>
internal sealed class ScwResult(int status, JsonNode? body, long? totalCount = null) : IResult
{
    public int Status => status;

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = status;
        if (totalCount is { } total) context.Response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        if (body is null) return;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
    }
}

/// <summary>Plain text answer (user data).</summary>
internal sealed class ScwText(string text) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(text, Encoding.UTF8, context.RequestAborted);
    }
}

/// <summary>Scaleway's error bodies: legacy Instance API types and the standard ones of the newer APIs.</summary>
internal static class ScwErrors
{
    public static ScwResult Ok(JsonNode body, int status = 200) => new(status, body);
    public static ScwResult NoContent() => new(204, null);

    public static ScwResult Denied(string reason) => new(401, new JsonObject
    {
        ["type"] = "denied_authentication",
        ["message"] = "authentication is denied",
        ["method"] = "api_key",
        ["reason"] = reason,
    });

    /// <summary>Instance API: <c>{"type":"unknown_resource","message":"Instance \"id\" not found"}</c>.</summary>
    public static ScwResult UnknownResource(string what, string id) => new(404, new JsonObject
    {
        ["type"] = "unknown_resource",
        ["message"] = $"{what} \"{id}\" not found",
    });

    /// <summary>VPC, Block and IPAM APIs: <c>not_found</c> with resource and resource_id.</summary>
    public static ScwResult NotFound(string resource, string id) => new(404, new JsonObject
    {
        ["type"] = "not_found",
        ["message"] = "resource is not found",
        ["resource"] = resource,
        ["resource_id"] = id,
    });

    /// <summary>Instance API validation error with per-field messages.</summary>
    public static ScwResult InvalidRequest(string field, string message) => new(400, new JsonObject
    {
        ["type"] = "invalid_request_error",
        ["message"] = "Validation Error",
        ["fields"] = new JsonObject { [field] = new JsonArray(message) },
    });

    /// <summary>Instance API error without a field (e.g. an action not allowed in the current state).</summary>
    public static ScwResult InvalidRequestMessage(string message) => new(400, new JsonObject
    {
        ["type"] = "invalid_request_error",
        ["message"] = message,
    });

    /// <summary>Newer APIs: <c>invalid_arguments</c> with details.</summary>
    public static ScwResult InvalidArguments(string argument, string reason, string help) => new(400, new JsonObject
    {
        ["type"] = "invalid_arguments",
        ["message"] = "invalid argument(s)",
        ["details"] = new JsonArray(new JsonObject
        {
            ["argument_name"] = argument,
            ["reason"] = reason,
            ["help_message"] = help,
        }),
    });

    public static ScwResult Conflict(string message) => new(409, new JsonObject
    {
        ["type"] = "conflict",
        ["message"] = message,
    });

    public static ScwResult PreconditionFailed(string precondition, string help) => new(412, new JsonObject
    {
        ["type"] = "precondition_failed",
        ["message"] = "precondition is not respected",
        ["precondition"] = precondition,
        ["help_message"] = help,
    });

    public static JsonObject Generic(int status, string code, string message) => status == 429
        ? new JsonObject
        {
            ["type"] = "too_many_requests",
            ["message"] = "too many requests",
            ["help_message"] = message,
        }
        : new JsonObject { ["type"] = code, ["message"] = message };
}

/// <summary>Paging as Scaleway does it: page from 1, a page size parameter, total_count in the body.</summary>
internal static class ScwPaging
{
    public const int DefaultSize = 50;
    public const int MaxSize = 100;

    /// <summary>Reads page and size; returns an error result when they are out of range.</summary>
    public static ScwResult? Read(HttpRequest request, string sizeParameter, bool instanceApi, out int page, out int size)
    {
        page = 1;
        size = DefaultSize;
        var p = request.Query["page"].ToString();
        var s = request.Query[sizeParameter].ToString();
        if (p.Length > 0 && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1))
            return Invalid("page", "must be a positive integer", instanceApi);
        if (s.Length > 0 && (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxSize))
            return Invalid(sizeParameter, $"must be between 1 and {MaxSize}", instanceApi);
        return null;
    }

    private static ScwResult Invalid(string name, string help, bool instanceApi) => instanceApi
        ? ScwErrors.InvalidRequest(name, help)
        : ScwErrors.InvalidArguments(name, "constraint", help);

    public static IEnumerable<T> Slice<T>(IEnumerable<T> items, int page, int size) => items.Skip((page - 1) * size).Take(size);
}

internal static class ScwBody
{
    /// <summary>The request's JSON object, or null when the body is not one.</summary>
    public static async Task<JsonObject?> ReadAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Str(this JsonObject body, string name) =>
        body[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool? Bool(this JsonObject body, string name) =>
        body[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>Numbers Scaleway accepts as JSON numbers or strings (sizes are uint64 and often sent as strings).</summary>
    public static long? Long(this JsonNode? node)
    {
        if (node is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<double>(out var d) && d == Math.Floor(d)) return (long)d;
        if (v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out l)) return l;
        return null;
    }

    public static List<string> Strings(this JsonObject body, string name) =>
        body[name] is JsonArray a ? a.Select(n => n?.GetValue<string>() ?? "").ToList() : [];

    public static JsonArray ToJsonArray(this IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    public static string? Iso(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);

    public static bool IsUuid(string? s) => Guid.TryParseExact(s, "D", out _);
}
