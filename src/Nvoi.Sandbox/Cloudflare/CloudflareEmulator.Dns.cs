using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Cloudflare;

public sealed partial class CloudflareEmulator
{
    private void MapZoneRoutes(IEndpointRouteBuilder api)
    {
        api.MapGet("/zones", (HttpContext http) =>
        {
            var name = http.Request.Query["name"].ToString();
            lock (_lock)
            {
                var zones = _state.Zones
                    .Where(z => name.Length == 0 || z.Name == name.ToLowerInvariant())
                    .OrderBy(z => z.Name, StringComparer.Ordinal)
                    .Select(z => (JsonNode)z.ToJson(_state.AccountId)).ToList();
                return Page(http, zones, defaultPerPage: 20, maxPerPage: 50);
            }
        });
        api.MapGet("/zones/{zoneId}", (string zoneId) =>
        {
            lock (_lock)
                return Zone(zoneId) is { } zone ? Ok(zone.ToJson(_state.AccountId)) : NoZone();
        });
        api.MapGet("/zones/{zoneId}/dns_records", (HttpContext http, string zoneId) =>
        {
            var query = http.Request.Query;
            var type = query["type"].ToString().ToUpperInvariant();
            var name = (query.ContainsKey("name.exact") ? query["name.exact"] : query["name"]).ToString().ToLowerInvariant();
            lock (_lock)
            {
                if (Zone(zoneId) is not { } zone) return NoZone();
                var records = _state.Records
                    .Where(r => r.ZoneId == zone.Id && (type.Length == 0 || r.Type == type) && (name.Length == 0 || r.Name == name))
                    .OrderBy(r => r.Type, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.CreatedOn)
                    .Select(r => (JsonNode)r.ToJson(zone)).ToList();
                return Page(http, records, defaultPerPage: 100, maxPerPage: 5000);
            }
        });
        api.MapGet("/zones/{zoneId}/dns_records/{recordId}", (string zoneId, string recordId) =>
        {
            lock (_lock)
            {
                if (Zone(zoneId) is not { } zone) return NoZone();
                return Record(zone, recordId) is { } record ? Ok(record.ToJson(zone)) : NoRecord();
            }
        });
        api.MapPost("/zones/{zoneId}/dns_records", async (HttpContext http, string zoneId) =>
        {
            if (await ReadBody(http) is not { } body) return BadJson();
            lock (_lock)
            {
                if (Zone(zoneId) is not { } zone) return NoZone();
                var record = new RecordState { Id = NewId(), ZoneId = zone.Id, CreatedOn = _options.Time.GetUtcNow() };
                if (Apply(zone, record, body) is { } invalid) return invalid;
                _state.Records.Add(record);
                return Ok(record.ToJson(zone));
            }
        });
        api.MapMethods("/zones/{zoneId}/dns_records/{recordId}", ["PUT", "PATCH"], async (HttpContext http, string zoneId, string recordId) =>
        {
            if (await ReadBody(http) is not { } body) return BadJson();
            lock (_lock)
            {
                if (Zone(zoneId) is not { } zone) return NoZone();
                if (Record(zone, recordId) is not { } record) return NoRecord();
                if (HttpMethods.IsPatch(http.Request.Method))
                {
                    // PATCH: absent fields keep their values.
                    body["type"] ??= record.Type;
                    body["name"] ??= record.Name;
                    body["content"] ??= record.Content;
                    body["proxied"] ??= record.Proxied;
                    body["ttl"] ??= record.Ttl;
                }
                var updated = new RecordState { Id = record.Id, ZoneId = zone.Id, CreatedOn = record.CreatedOn };
                if (Apply(zone, updated, body) is { } invalid) return invalid;
                _state.Records[_state.Records.IndexOf(record)] = updated;
                return Ok(updated.ToJson(zone));
            }
        });
        api.MapDelete("/zones/{zoneId}/dns_records/{recordId}", (string zoneId, string recordId) =>
        {
            lock (_lock)
            {
                if (Zone(zoneId) is not { } zone) return NoZone();
                if (Record(zone, recordId) is not { } record) return NoRecord();
                _state.Records.Remove(record);
                return Ok(new JsonObject { ["id"] = record.Id });
            }
        });
    }

    /// <summary>Validates a create/replace body and writes it into <paramref name="record"/>; an error result when invalid.</summary>
    private IResult? Apply(ZoneState zone, RecordState record, JsonObject body)
    {
        var type = (body["type"]?.GetValue<string>() ?? "").ToUpperInvariant();
        var rawName = body["name"]?.GetValue<string>() ?? "";
        var content = body["content"]?.GetValue<string>() ?? "";
        if (type.Length == 0) return Error(400, 9004, "DNS Validation Error: type is required");
        if (rawName.Length == 0) return Error(400, 9007, "DNS Validation Error: name is required");
        if (content.Length == 0) return Error(400, 9005, "DNS Validation Error: content is required");
        var name = FullName(zone, rawName);
        var proxied = body["proxied"]?.GetValue<bool>() ?? false;
        if (proxied && !RecordState.Proxiable(type)) return Error(400, 9004, $"This record type cannot be proxied.");
        var address = type is "A" or "AAAA" or "CNAME";
        var clash = _state.Records.Where(r => r.Id != record.Id && r.ZoneId == zone.Id && r.Name == name).ToList();
        if (address && clash.Any(r => r.Type == "CNAME" || (type == "CNAME" && r.Type is "A" or "AAAA")))
            return Error(400, 81053, "An A, AAAA, or CNAME record with that host already exists.");
        if (type == "CNAME" && clash.Count > 0)
            return Error(400, 81054, "A CNAME record with that host already exists.");
        if (clash.Any(r => r.Type == type && string.Equals(r.Content, content, StringComparison.OrdinalIgnoreCase)))
            return Error(400, 81058, "An identical record already exists.");
        record.Type = type;
        record.Name = name;
        record.Content = type == "CNAME" ? content.TrimEnd('.').ToLowerInvariant() : content;
        record.Proxied = proxied;
        record.Ttl = body["ttl"]?.GetValue<int>() is { } ttl and > 0 ? ttl : 1;
        record.Comment = body["comment"]?.GetValue<string>();
        record.ModifiedOn = _options.Time.GetUtcNow();
        return null;
    }

    /// <summary>Cloudflare appends the zone to a relative name; "@" is the apex.</summary>
    private static string FullName(ZoneState zone, string name)
    {
        name = name.Trim().TrimEnd('.').ToLowerInvariant();
        if (name == "@" || name == zone.Name) return zone.Name;
        return name.EndsWith("." + zone.Name, StringComparison.Ordinal) ? name : $"{name}.{zone.Name}";
    }

    private ZoneState? Zone(string id) => _state.Zones.FirstOrDefault(z => z.Id == id);

    private RecordState? Record(ZoneState zone, string id) => _state.Records.FirstOrDefault(r => r.ZoneId == zone.Id && r.Id == id);

    private static IResult NoZone() => Error(404, 7003, "Could not route to /zones, perhaps your object identifier is invalid?");

    private static IResult NoRecord() => Error(404, 81044, "Record does not exist.");

    private static string NewId() => Guid.NewGuid().ToString("N");
}
