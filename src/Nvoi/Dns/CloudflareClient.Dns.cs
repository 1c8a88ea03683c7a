namespace Nvoi.Dns;

public sealed partial class CloudflareClient
{
    private const int ZonesPerPage = 50;          // Cloudflare's maximum for /zones
    private const int RecordsPerPage = 100;

    public async Task<IReadOnlyList<CloudflareZone>> ListZonesAsync(CancellationToken ct)
    {
        var zones = await ListAllAsync<ZoneDto>("zones", ZonesPerPage, ct).ConfigureAwait(false);
        return zones.Select(z => new CloudflareZone(z.Id, z.Name, z.Status ?? "active")).ToList();
    }

    public async Task<CloudflareZone?> FindZoneForHostnameAsync(string hostname, CancellationToken ct) =>
        ZoneMatcher.FindZone(hostname, await ListZonesAsync(ct).ConfigureAwait(false));

    public async Task<IReadOnlyList<DnsRecord>> ListDnsRecordsAsync(CloudflareZone zone, string? name, CancellationToken ct)
    {
        var path = $"zones/{zone.Id}/dns_records";
        if (name is not null) path += "?name=" + Uri.EscapeDataString(DnsNames.Normalize(name));
        var records = await ListAllAsync<RecordDto>(path, RecordsPerPage, ct).ConfigureAwait(false);
        return records.Select(ToRecord).ToList();
    }

    public async Task<DnsRecord?> FindDnsRecordAsync(CloudflareZone zone, string name, string type, CancellationToken ct)
    {
        var path = $"zones/{zone.Id}/dns_records?type={Uri.EscapeDataString(type)}&name={Uri.EscapeDataString(DnsNames.Normalize(name))}";
        var records = await ListAllAsync<RecordDto>(path, RecordsPerPage, ct).ConfigureAwait(false);
        var found = records.FirstOrDefault(r => DnsNames.Same(r.Name, name) && string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));
        return found is null ? null : ToRecord(found);
    }

    public Task<DnsRecord> CreateDnsRecordAsync(CloudflareZone zone, DnsRecordSpec spec, CancellationToken ct) =>
        CreateGuardedAsync(
            async token =>
            {
                var envelope = await SendAsync(HttpMethod.Post, $"zones/{zone.Id}/dns_records", Body(spec), token).ConfigureAwait(false);
                return ToRecord(Result<RecordDto>(envelope, HttpMethod.Post, "dns_records"));
            },
            async token =>
            {
                // Only the record we meant to create counts as "already done".
                var existing = await FindDnsRecordAsync(zone, spec.Name, spec.Type, token).ConfigureAwait(false);
                return existing is not null && string.Equals(existing.Content, spec.Content, StringComparison.OrdinalIgnoreCase) ? existing : null;
            },
            e => e.Code is 81053 or 81057 or 81058,
            ct);

    public async Task<DnsRecord> UpdateDnsRecordAsync(CloudflareZone zone, string recordId, DnsRecordSpec spec, CancellationToken ct)
    {
        var path = $"zones/{zone.Id}/dns_records/{recordId}";
        var envelope = await SendAsync(HttpMethod.Put, path, Body(spec), ct).ConfigureAwait(false);
        return ToRecord(Result<RecordDto>(envelope, HttpMethod.Put, path));
    }

    public async Task DeleteDnsRecordAsync(CloudflareZone zone, string recordId, CancellationToken ct)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, $"zones/{zone.Id}/dns_records/{recordId}", null, ct).ConfigureAwait(false);
        }
        catch (CloudflareApiException e) when (e.StatusCode == 404 || e.Code == 81044)
        {
            // Already gone (e.g. a retried delete whose first answer was lost).
        }
    }

    public async Task<DnsRecord> UpsertCnameAsync(CloudflareZone zone, string name, string target, bool proxied, CancellationToken ct)
    {
        var spec = new DnsRecordSpec("CNAME", DnsNames.Normalize(name), DnsNames.Normalize(target), proxied);
        var existing = await FindDnsRecordAsync(zone, spec.Name, "CNAME", ct).ConfigureAwait(false);
        if (existing is null) return await CreateDnsRecordAsync(zone, spec, ct).ConfigureAwait(false);
        if (DnsNames.Same(existing.Content, spec.Content) && existing.Proxied == proxied) return existing;
        return await UpdateDnsRecordAsync(zone, existing.Id, spec, ct).ConfigureAwait(false);
    }

    public async Task<bool> IsNameFreeAsync(CloudflareZone zone, string hostname, CancellationToken ct) =>
        (await ListDnsRecordsAsync(zone, hostname, ct).ConfigureAwait(false)).Count == 0;

    private static RecordBody Body(DnsRecordSpec spec) =>
        new(spec.Type.ToUpperInvariant(), DnsNames.Normalize(spec.Name), spec.Content, spec.Proxied, spec.Ttl);

    private static DnsRecord ToRecord(RecordDto r) => new(r.Id, r.Type, r.Name, r.Content, r.Proxied ?? false, r.Ttl);
}
