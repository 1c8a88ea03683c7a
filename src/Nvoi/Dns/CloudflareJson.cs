using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nvoi.Dns;

// Wire shapes of the Cloudflare API v4 (only the fields nvoi reads or writes).

internal sealed record ResultInfo(
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("per_page")] int PerPage,
    [property: JsonPropertyName("total_pages")] int? TotalPages,
    [property: JsonPropertyName("count")] int? Count,
    [property: JsonPropertyName("total_count")] int? TotalCount);

internal sealed record ErrorDto(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string? Message);

internal sealed record EnvelopeDto(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("errors")] List<ErrorDto>? Errors,
    [property: JsonPropertyName("result")] JsonElement Result,
    [property: JsonPropertyName("result_info")] ResultInfo? ResultInfo);

internal sealed record TokenDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] string Status);

internal sealed record ZoneDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] string? Status);

internal sealed record RecordDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("proxied")] bool? Proxied,
    [property: JsonPropertyName("ttl")] int Ttl);

internal sealed record RecordBody(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("proxied")] bool Proxied,
    [property: JsonPropertyName("ttl")] int Ttl);

internal sealed record TunnelDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("config_src")] string? ConfigSrc,
    [property: JsonPropertyName("deleted_at")] DateTimeOffset? DeletedAt);

internal sealed record TunnelBody(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("config_src")] string ConfigSrc,
    [property: JsonPropertyName("tunnel_secret")] string TunnelSecret);

internal sealed record OriginRequestDto(
    [property: JsonPropertyName("httpHostHeader"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? HttpHostHeader);

internal sealed record IngressDto(
    [property: JsonPropertyName("hostname"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Hostname,
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("originRequest"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OriginRequestDto? OriginRequest);

internal sealed record ConfigDto(
    [property: JsonPropertyName("ingress")] List<IngressDto>? Ingress);

internal sealed record ConfigBody(
    [property: JsonPropertyName("config")] ConfigDto Config);

internal sealed record ConfigurationDto(
    [property: JsonPropertyName("tunnel_id")] string? TunnelId,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("config")] ConfigDto? Config);
