namespace Nvoi.Dns;

/// <summary>
/// What deploy, delete, plan and onboard need from Cloudflare (API v4): token checks, zones,
/// DNS records and remotely managed tunnels (<c>cfd_tunnel</c>). "Not found" is <c>null</c>, never
/// an exception. Creates are never repeated blindly: after a lost answer the adapter looks the
/// name up before it tries again.
/// </summary>
public interface ICloudflare
{
    /// <summary>The account that owns the tunnels.</summary>
    string AccountId { get; }

    /// <summary>GET /user/tokens/verify. Throws <see cref="CloudflareAuthException"/> for a bad token.</summary>
    Task<TokenStatus> VerifyTokenAsync(CancellationToken ct);

    /// <summary>
    /// Checks the token can manage tunnels in the account and DNS in its zones; throws
    /// <see cref="CloudflarePermissionException"/> naming the missing permission.
    /// </summary>
    Task VerifyAccessAsync(CancellationToken ct);

    /// <summary>Every zone the token can see (all pages).</summary>
    Task<IReadOnlyList<CloudflareZone>> ListZonesAsync(CancellationToken ct);

    /// <summary>The zone whose name is the longest suffix of the hostname, or null.</summary>
    Task<CloudflareZone?> FindZoneForHostnameAsync(string hostname, CancellationToken ct);

    /// <summary>Records of the zone, optionally only those with this exact name (all pages).</summary>
    Task<IReadOnlyList<DnsRecord>> ListDnsRecordsAsync(CloudflareZone zone, string? name, CancellationToken ct);

    Task<DnsRecord?> FindDnsRecordAsync(CloudflareZone zone, string name, string type, CancellationToken ct);

    /// <summary>Creates a record; after a lost answer, looks name+type up before trying again.</summary>
    Task<DnsRecord> CreateDnsRecordAsync(CloudflareZone zone, DnsRecordSpec spec, CancellationToken ct);

    Task<DnsRecord> UpdateDnsRecordAsync(CloudflareZone zone, string recordId, DnsRecordSpec spec, CancellationToken ct);

    /// <summary>Deletes a record; a record already gone is not an error.</summary>
    Task DeleteDnsRecordAsync(CloudflareZone zone, string recordId, CancellationToken ct);

    /// <summary>Creates or updates the CNAME <paramref name="name"/> → <paramref name="target"/>; unchanged when already so.</summary>
    Task<DnsRecord> UpsertCnameAsync(CloudflareZone zone, string name, string target, bool proxied, CancellationToken ct);

    /// <summary>True when no record at all has this name (so a CNAME can be created there).</summary>
    Task<bool> IsNameFreeAsync(CloudflareZone zone, string hostname, CancellationToken ct);

    /// <summary>The live (not deleted) tunnel with this name, or null.</summary>
    Task<CloudflareTunnel?> FindTunnelAsync(string name, CancellationToken ct);

    /// <summary>Tunnels of the account, filtered by exact name and deletion (null = both).</summary>
    Task<IReadOnlyList<CloudflareTunnel>> ListTunnelsAsync(string? name, bool? deleted, CancellationToken ct);

    /// <summary>Creates a remotely managed tunnel (<c>config_src: cloudflare</c>) with a random secret.</summary>
    Task<CloudflareTunnel> CreateTunnelAsync(string name, CancellationToken ct);

    /// <summary>The token cloudflared runs with. Secret: never log it.</summary>
    Task<TunnelToken> GetTunnelTokenAsync(string tunnelId, CancellationToken ct);

    Task<TunnelConfiguration> PutTunnelConfigurationAsync(string tunnelId, IReadOnlyList<IngressRule> ingress, CancellationToken ct);

    /// <summary>The current configuration, or null when none was ever put.</summary>
    Task<TunnelConfiguration?> GetTunnelConfigurationAsync(string tunnelId, CancellationToken ct);

    /// <summary>DELETE .../connections: drops stale cloudflared connections so the tunnel can be deleted.</summary>
    Task CleanupTunnelConnectionsAsync(string tunnelId, CancellationToken ct);

    /// <summary>Deletes the tunnel; one already deleted or gone is not an error.</summary>
    Task DeleteTunnelAsync(string tunnelId, CancellationToken ct);
}

/// <summary>Result of GET /user/tokens/verify.</summary>
public sealed record TokenStatus(string Id, string Status);

public sealed record CloudflareZone(string Id, string Name, string Status);

/// <summary>A DNS record as Cloudflare stores it (names fully qualified, lower case).</summary>
public sealed record DnsRecord(string Id, string Type, string Name, string Content, bool Proxied, int Ttl);

/// <summary>What to create or update. Ttl 1 means "automatic".</summary>
public sealed record DnsRecordSpec(string Type, string Name, string Content, bool Proxied, int Ttl = 1);

public sealed record CloudflareTunnel(string Id, string Name, string? ConfigSource, DateTimeOffset? DeletedAt)
{
    /// <summary>The CNAME target of the tunnel: <c>&lt;id&gt;.cfargotunnel.com</c>.</summary>
    public string CnameTarget => $"{Id}.cfargotunnel.com";
}

/// <summary>One ingress rule: a hostname (null for the catch-all) to an origin service.</summary>
public sealed record IngressRule(string? Hostname, string Service, string? HttpHostHeader = null)
{
    /// <summary>The last rule every remotely managed configuration needs.</summary>
    public static readonly IngressRule NotFound = new(null, "http_status:404");
}

public sealed record TunnelConfiguration(string TunnelId, int Version, IReadOnlyList<IngressRule> Ingress);

/// <summary>A tunnel token; <see cref="ToString"/> never shows it.</summary>
public sealed record TunnelToken(string Value)
{
    public override string ToString() => "TunnelToken(***)";
}
