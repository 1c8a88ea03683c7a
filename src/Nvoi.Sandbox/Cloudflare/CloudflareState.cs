using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Cloudflare;

/// <summary>Everything the Cloudflare emulator remembers; serialised as-is for persistence.</summary>
internal sealed class CloudflareState
{
    public string AccountId { get; set; } = CloudflareEmulator.DefaultAccountId;
    public List<ZoneState> Zones { get; set; } = [];
    public List<RecordState> Records { get; set; } = [];
    public List<TunnelState> Tunnels { get; set; } = [];
}

internal sealed class ZoneState
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedOn { get; set; }

    /// <summary>Zone ids are 32 hex digits, derived from the name so a seeded zone keeps its id across runs.</summary>
    public static string IdFor(string name) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("zone:" + name)));

    public JsonObject ToJson(string accountId) => new()
    {
        ["id"] = Id,
        ["name"] = Name,
        ["status"] = "active",
        ["paused"] = false,
        ["type"] = "full",
        ["development_mode"] = 0,
        ["name_servers"] = new JsonArray("ada.ns.cloudflare.com", "bob.ns.cloudflare.com"),
        ["original_name_servers"] = null,
        ["original_registrar"] = null,
        ["original_dnshost"] = null,
        ["created_on"] = CreatedOn.ToString("O"),
        ["modified_on"] = CreatedOn.ToString("O"),
        ["activated_on"] = CreatedOn.ToString("O"),
        ["meta"] = new JsonObject { ["step"] = 2, ["custom_certificate_quota"] = 0, ["page_rule_quota"] = 3, ["phishing_detected"] = false },
        ["owner"] = new JsonObject { ["id"] = null, ["type"] = "user", ["email"] = null },
        ["account"] = new JsonObject { ["id"] = accountId, ["name"] = "nvoi sandbox" },
        ["permissions"] = new JsonArray("#dns_records:edit", "#dns_records:read", "#zone:read"),
        ["plan"] = new JsonObject { ["id"] = "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", ["name"] = "Free Website", ["price"] = 0, ["currency"] = "USD", ["frequency"] = "", ["is_subscribed"] = false, ["can_subscribe"] = false, ["legacy_id"] = "free", ["legacy_discount"] = false, ["externally_managed"] = false },
    };
}

internal sealed class RecordState
{
    public string Id { get; set; } = "";
    public string ZoneId { get; set; } = "";
    public string Type { get; set; } = "";
    public string Name { get; set; } = "";
    public string Content { get; set; } = "";
    public bool Proxied { get; set; }
    public int Ttl { get; set; } = 1;
    public string? Comment { get; set; }
    public DateTimeOffset CreatedOn { get; set; }
    public DateTimeOffset ModifiedOn { get; set; }

    public static bool Proxiable(string type) => type is "A" or "AAAA" or "CNAME";

    public JsonObject ToJson(ZoneState zone) => new()
    {
        ["id"] = Id,
        ["zone_id"] = zone.Id,
        ["zone_name"] = zone.Name,
        ["name"] = Name,
        ["type"] = Type,
        ["content"] = Content,
        ["proxiable"] = Proxiable(Type),
        ["proxied"] = Proxied,
        ["ttl"] = Ttl,
        ["settings"] = new JsonObject(),
        ["meta"] = new JsonObject(),
        ["comment"] = Comment,
        ["tags"] = new JsonArray(),
        ["created_on"] = CreatedOn.ToString("O"),
        ["modified_on"] = ModifiedOn.ToString("O"),
    };
}

internal sealed class TunnelState
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>Base64 of the tunnel secret (as sent by the client, or generated).</summary>
    public string Secret { get; set; } = "";
    public string ConfigSrc { get; set; } = "cloudflare";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    /// <summary>Simulated cloudflared connections (a tunnel with any cannot be deleted).</summary>
    public int Connections { get; set; }
    public List<ConfigVersion> Configurations { get; set; } = [];
    /// <summary>GETs of the configuration still answered with the previous version (propagation delay).</summary>
    public int StaleReads { get; set; }

    /// <summary>The token cloudflared runs with: base64 of {"a":account,"t":tunnel,"s":secret}, like the real ones.</summary>
    public string Token(string accountId) => Convert.ToBase64String(Encoding.UTF8.GetBytes(
        new JsonObject { ["a"] = accountId, ["t"] = Id, ["s"] = Secret }.ToJsonString()));

    public JsonObject ToJson(string accountId) => new()
    {
        ["id"] = Id,
        ["account_tag"] = accountId,
        ["created_at"] = CreatedAt.ToString("O"),
        ["deleted_at"] = DeletedAt?.ToString("O"),
        ["name"] = Name,
        ["connections"] = new JsonArray(Enumerable.Range(0, DeletedAt is null ? Connections : 0).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = $"{Id[..8]}-conn-{i}",
            ["client_id"] = "1bedc50d-42b3-473c-b108-ff3d10c0d925",
            ["client_version"] = "2025.1.0",
            ["colo_name"] = "fra06",
            ["is_pending_reconnect"] = false,
            ["opened_at"] = CreatedAt.ToString("O"),
            ["origin_ip"] = "10.0.1.2",
            ["uuid"] = $"{Id[..8]}-conn-{i}",
        }).ToArray()),
        ["conns_active_at"] = Connections > 0 ? CreatedAt.ToString("O") : null,
        ["conns_inactive_at"] = Connections > 0 ? null : CreatedAt.ToString("O"),
        ["tun_type"] = "cfd_tunnel",
        ["metadata"] = new JsonObject(),
        ["status"] = Connections > 0 ? "healthy" : "inactive",
        ["remote_config"] = ConfigSrc == "cloudflare",
        ["config_src"] = ConfigSrc,
    };
}

/// <summary>One put configuration: Cloudflare numbers them from 1.</summary>
internal sealed class ConfigVersion
{
    public int Version { get; set; }
    public string Config { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
}
