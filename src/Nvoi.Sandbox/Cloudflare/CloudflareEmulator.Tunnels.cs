using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Cloudflare;

public sealed partial class CloudflareEmulator
{
    private void MapTunnelRoutes(IEndpointRouteBuilder api)
    {
        var tunnels = api.MapGroup("/accounts/{accountId}/cfd_tunnel");
        tunnels.AddEndpointFilter(async (context, next) =>
            context.HttpContext.GetRouteValue("accountId") as string == _state.AccountId
                ? await next(context)
                : Error(403, 10000, "Authentication error"));

        tunnels.MapGet("", (HttpContext http) =>
        {
            var query = http.Request.Query;
            var name = query["name"].ToString();
            var uuid = query["uuid"].ToString();
            bool? deleted = bool.TryParse(query["is_deleted"], out var d) ? d : null;
            lock (_lock)
            {
                var list = _state.Tunnels
                    .Where(t => name.Length == 0 || t.Name == name)
                    .Where(t => uuid.Length == 0 || t.Id == uuid)
                    .Where(t => deleted is null || (t.DeletedAt is not null) == deleted)
                    .OrderBy(t => t.CreatedAt)
                    .Select(t => (JsonNode)t.ToJson(_state.AccountId)).ToList();
                return Page(http, list, defaultPerPage: 20, maxPerPage: 1000);
            }
        });
        tunnels.MapPost("", async (HttpContext http) =>
        {
            if (await ReadBody(http) is not { } body) return BadJson();
            var name = body["name"]?.GetValue<string>() ?? "";
            var configSrc = body["config_src"]?.GetValue<string>() ?? "local";
            var secret = body["tunnel_secret"]?.GetValue<string>();
            if (name.Length == 0) return Error(400, 1001, "Tunnel name is required");
            if (configSrc is not ("local" or "cloudflare")) return Error(400, 1001, "config_src must be local or cloudflare");
            if (secret is not null && !IsValidSecret(secret)) return Error(400, 1001, "tunnel_secret must be at least 32 bytes, base64 encoded");
            lock (_lock)
            {
                if (_state.Tunnels.Any(t => t.Name == name && t.DeletedAt is null))
                    return Error(409, 1013, "You already have a tunnel with this name. Delete the existing tunnel, or choose a different name for your new tunnel");
                var tunnel = new TunnelState
                {
                    Id = Guid.NewGuid().ToString(),
                    Name = name,
                    ConfigSrc = configSrc,
                    Secret = secret ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                    CreatedAt = _options.Time.GetUtcNow(),
                };
                _state.Tunnels.Add(tunnel);
                var json = tunnel.ToJson(_state.AccountId);
                json["credentials_file"] = new JsonObject { ["AccountTag"] = _state.AccountId, ["TunnelID"] = tunnel.Id, ["TunnelName"] = tunnel.Name, ["TunnelSecret"] = tunnel.Secret };
                json["token"] = tunnel.Token(_state.AccountId);
                return Ok(json);
            }
        });
        tunnels.MapGet("/{tunnelId}", (string tunnelId) =>
        {
            lock (_lock) return Tunnel(tunnelId, includeDeleted: true) is { } t ? Ok(t.ToJson(_state.AccountId)) : NoTunnel();
        });
        tunnels.MapDelete("/{tunnelId}", (string tunnelId) =>
        {
            lock (_lock)
            {
                if (Tunnel(tunnelId, includeDeleted: false) is not { } t) return NoTunnel();
                if (t.Connections > 0) return Error(400, 1022, "Cannot delete tunnel because it has active connections");
                t.DeletedAt = _options.Time.GetUtcNow();
                return Ok(t.ToJson(_state.AccountId));
            }
        });
        tunnels.MapGet("/{tunnelId}/token", (string tunnelId) =>
        {
            lock (_lock) return Tunnel(tunnelId, includeDeleted: false) is { } t ? Ok(JsonValue.Create(t.Token(_state.AccountId))) : NoTunnel();
        });
        tunnels.MapDelete("/{tunnelId}/connections", (string tunnelId) =>
        {
            lock (_lock)
            {
                if (Tunnel(tunnelId, includeDeleted: false) is not { } t) return NoTunnel();
                t.Connections = 0;
                return Ok(new JsonObject());
            }
        });
        tunnels.MapGet("/{tunnelId}/connections", (string tunnelId) =>
        {
            lock (_lock)
            {
                if (Tunnel(tunnelId, includeDeleted: true) is not { } t) return NoTunnel();
                var clients = t.Connections == 0 ? new JsonArray() : new JsonArray(new JsonObject
                {
                    ["id"] = "1bedc50d-42b3-473c-b108-ff3d10c0d925",
                    ["arch"] = "linux_amd64",
                    ["config_version"] = t.Configurations.Count,
                    ["conns"] = t.ToJson(_state.AccountId)["connections"]!.DeepClone(),
                    ["features"] = new JsonArray(),
                    ["run_at"] = t.CreatedAt.ToString("O"),
                    ["version"] = "2025.1.0",
                });
                return Ok(clients);
            }
        });
        tunnels.MapPut("/{tunnelId}/configurations", async (HttpContext http, string tunnelId) =>
        {
            if (await ReadBody(http) is not { } body) return BadJson();
            if (body["config"] is not JsonObject config) return Error(400, 1055, "Validation failed: config is required");
            if (ValidateIngress(config) is { } invalid) return invalid;
            lock (_lock)
            {
                if (Tunnel(tunnelId, includeDeleted: false) is not { } t) return NoTunnel();
                var version = new ConfigVersion { Version = t.Configurations.Count + 1, Config = config.ToJsonString(), CreatedAt = _options.Time.GetUtcNow() };
                t.Configurations.Add(version);
                t.StaleReads = _propagationReads;
                return Ok(ConfigurationJson(t, version));
            }
        });
        tunnels.MapGet("/{tunnelId}/configurations", (string tunnelId) =>
        {
            lock (_lock)
            {
                if (Tunnel(tunnelId, includeDeleted: false) is not { } t) return NoTunnel();
                var index = t.Configurations.Count - 1;
                if (t.StaleReads > 0)
                {
                    // Propagation delay: the previous version is answered a few more times.
                    t.StaleReads--;
                    index--;
                }
                return Ok(ConfigurationJson(t, index >= 0 ? t.Configurations[index] : null));
            }
        });
    }

    private static IResult? ValidateIngress(JsonObject config)
    {
        if (config["ingress"] is not JsonArray ingress) return null;
        foreach (var rule in ingress)
            if (rule is not JsonObject r || r["service"]?.GetValue<string>() is not { Length: > 0 })
                return Error(400, 1055, "Validation failed: every ingress rule needs a service");
        if (ingress.Count > 0 && ingress[^1] is JsonObject last && (last["hostname"] is not null || last["path"] is not null))
            return Error(400, 1055, "Validation failed: The last ingress rule must match all URLs (i.e. it should not have a hostname or path specified)");
        return null;
    }

    private JsonObject ConfigurationJson(TunnelState tunnel, ConfigVersion? version) => new()
    {
        ["account_id"] = _state.AccountId,
        ["tunnel_id"] = tunnel.Id,
        ["version"] = version?.Version ?? 0,
        ["config"] = version is null ? null : JsonNode.Parse(version.Config),
        ["source"] = tunnel.ConfigSrc,
        ["created_at"] = (version?.CreatedAt ?? tunnel.CreatedAt).ToString("O"),
    };

    private static bool IsValidSecret(string secret)
    {
        try { return Convert.FromBase64String(secret).Length >= 32; }
        catch (FormatException) { return false; }
    }

    private TunnelState? Tunnel(string id, bool includeDeleted) =>
        _state.Tunnels.FirstOrDefault(t => t.Id == id && (includeDeleted || t.DeletedAt is null));

    private static IResult NoTunnel() => Error(404, 1003, "Tunnel not found");
}
