namespace Nvoi.Dns;

public enum TunnelChangeKind
{
    CreateTunnel,
    PutConfiguration,
    CreateRecord,
    UpdateRecord,
    /// <summary>Another record holds the name; the CNAME cannot be created until it is removed.</summary>
    Conflict,
    DeleteRecord,
    DeleteTunnel,
}

/// <summary>One change a publish or removal would make, with why (for `nvoi plan`).</summary>
public sealed record TunnelChange(TunnelChangeKind Kind, string Target, string Reason);

/// <summary>Reads live state and lists what <see cref="TunnelPublisher"/> would change, without writing anything.</summary>
public sealed class TunnelPlanner(ICloudflare cloudflare)
{
    /// <summary>What <see cref="TunnelPublisher.EnsureAsync"/> would do; empty when everything is in place.</summary>
    public async Task<IReadOnlyList<TunnelChange>> PlanEnsureAsync(string tunnelName, IReadOnlyList<string> hostnames, string originService, CancellationToken ct,
        IReadOnlyCollection<string>? keepOrigins = null)
    {
        // Two rounds of reads: the zones and the tunnel, then its configuration and every hostname's records.
        var changes = new List<TunnelChange>();
        var zonesRead = cloudflare.ListZonesAsync(ct);
        var tunnelRead = cloudflare.FindTunnelAsync(tunnelName, ct);
        await Task.WhenAll(zonesRead, tunnelRead).ConfigureAwait(false);
        var zones = await zonesRead.ConfigureAwait(false);
        var tunnel = await tunnelRead.ConfigureAwait(false);
        var hosts = hostnames.Select(DnsNames.Normalize).Distinct().ToList();
        var targets = hosts.Select(h => (Host: h, Zone: ZoneMatcher.FindZone(h, zones)
            ?? throw new CloudflareZoneNotFoundException(h, zones.Select(z => z.Name)))).ToList();

        var configRead = tunnel is null ? Task.FromResult<TunnelConfiguration?>(null) : cloudflare.GetTunnelConfigurationAsync(tunnel.Id, ct);
        var recordReads = targets.Select(t => cloudflare.ListDnsRecordsAsync(t.Zone, t.Host, ct)).ToList();
        await Task.WhenAll(recordReads.Cast<Task>().Append(configRead)).ConfigureAwait(false);

        var desired = TunnelPublisher.DesiredIngress(hosts, originService);
        if (tunnel is null)
        {
            changes.Add(new(TunnelChangeKind.CreateTunnel, tunnelName, "no live tunnel has this name"));
            changes.Add(new(TunnelChangeKind.PutConfiguration, tunnelName, $"{desired.Count} ingress rules"));
        }
        else
        {
            var current = await configRead.ConfigureAwait(false);
            if (TunnelPublisher.KeptOrigin(current, hosts, keepOrigins) is not null) { }
            else if (current is null)
                changes.Add(new(TunnelChangeKind.PutConfiguration, tunnelName, "the tunnel has no configuration"));
            else if (!TunnelPublisher.Matches(current, desired))
                changes.Add(new(TunnelChangeKind.PutConfiguration, tunnelName, $"ingress differs (version {current.Version})"));
        }

        for (var i = 0; i < targets.Count; i++)
        {
            var host = targets[i].Host;
            var records = await recordReads[i].ConfigureAwait(false);
            var cname = records.FirstOrDefault(r => r.Type == "CNAME");
            if (cname is not null)
            {
                if (tunnel is null || !DnsNames.Same(cname.Content, tunnel.CnameTarget) || !cname.Proxied)
                    changes.Add(new(TunnelChangeKind.UpdateRecord, host, $"CNAME points at {cname.Content}{(cname.Proxied ? "" : " (not proxied)")}"));
            }
            else if (records.FirstOrDefault(r => r.Type is "A" or "AAAA") is { } other)
                changes.Add(new(TunnelChangeKind.Conflict, host, $"an {other.Type} record ({other.Content}) holds the name"));
            else
                changes.Add(new(TunnelChangeKind.CreateRecord, host, "no CNAME yet"));
        }
        return changes;
    }

    /// <summary>What <see cref="TunnelPublisher.RemoveAsync"/> would delete.</summary>
    public async Task<IReadOnlyList<TunnelChange>> PlanRemoveAsync(string tunnelName, IReadOnlyList<string> hostnames, CancellationToken ct)
    {
        var changes = new List<TunnelChange>();
        var live = await cloudflare.FindTunnelAsync(tunnelName, ct).ConfigureAwait(false);
        var tunnels = live is not null ? [live] : await cloudflare.ListTunnelsAsync(tunnelName, deleted: true, ct).ConfigureAwait(false);
        var targets = tunnels.Select(t => t.CnameTarget).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (targets.Count > 0 && hostnames.Count > 0)
        {
            var zones = await cloudflare.ListZonesAsync(ct).ConfigureAwait(false);
            foreach (var host in hostnames.Select(DnsNames.Normalize).Distinct())
            {
                if (ZoneMatcher.FindZone(host, zones) is not { } zone) continue;
                var record = await cloudflare.FindDnsRecordAsync(zone, host, "CNAME", ct).ConfigureAwait(false);
                if (record is not null && targets.Contains(DnsNames.Normalize(record.Content)))
                    changes.Add(new(TunnelChangeKind.DeleteRecord, host, $"CNAME to tunnel {tunnelName}"));
            }
        }
        if (live is not null) changes.Add(new(TunnelChangeKind.DeleteTunnel, tunnelName, $"tunnel {live.Id}"));
        return changes;
    }
}
