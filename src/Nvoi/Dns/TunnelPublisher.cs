namespace Nvoi.Dns;

/// <summary>How long to wait for a put tunnel configuration to read back.</summary>
public sealed record TunnelPublisherOptions(TimeSpan PollInterval, TimeSpan PollTimeout)
{
    public static readonly TunnelPublisherOptions Default = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));
}

/// <summary>What <see cref="TunnelPublisher.EnsureAsync"/> converged to. Holds the (secret) tunnel token.</summary>
public sealed record PublishedTunnel(CloudflareTunnel Tunnel, TunnelToken Token, TunnelConfiguration Configuration, IReadOnlyList<DnsRecord> Records);

/// <summary>No zone of the account contains the hostname.</summary>
public sealed class CloudflareZoneNotFoundException(string hostname, IEnumerable<string> zones)
    : NvoiException($"cloudflare: no zone of the account contains {hostname} (zones: {string.Join(", ", zones.DefaultIfEmpty("none"))})")
{
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>The configuration put on a tunnel did not read back in time.</summary>
public sealed class TunnelConfigurationTimeoutException(string tunnelName, TimeSpan timeout)
    : NvoiException($"cloudflare: the configuration of tunnel {tunnelName} did not read back within {timeout.TotalSeconds:0} s");

/// <summary>
/// Publishes hostnames through one remotely managed tunnel, idempotently: running it again after a
/// failure anywhere finishes the job without creating a second tunnel or record.
/// </summary>
public sealed class TunnelPublisher(ICloudflare cloudflare, TimeProvider time, TunnelPublisherOptions? options = null)
{
    private readonly TunnelPublisherOptions _options = options ?? TunnelPublisherOptions.Default;

    /// <summary>The ingress of a tunnel: every hostname → the origin (Host header = hostname, apex for a wildcard), then 404.</summary>
    public static IReadOnlyList<IngressRule> DesiredIngress(IEnumerable<string> hostnames, string originService) =>
        [.. Distinct(hostnames).Select(h => new IngressRule(h, originService, h.StartsWith("*.", StringComparison.Ordinal) ? h[2..] : h)),
            IngressRule.NotFound];

    /// <summary>
    /// Finds or creates the tunnel, gets its token, puts the ingress, waits until it reads back,
    /// then upserts a proxied CNAME <c>&lt;tunnel id&gt;.cfargotunnel.com</c> for every hostname in its zone.
    /// </summary>
    /// <remarks>
    /// A tunnel whose live ingress is the desired one but for routing to one of <paramref name="keepOrigins"/> is left
    /// as it is (a deployment being taken over switches its origin later, once the new one serves).
    /// </remarks>
    public async Task<PublishedTunnel> EnsureAsync(string tunnelName, IReadOnlyList<string> hostnames, string originService, CancellationToken ct,
        IReadOnlyCollection<string>? keepOrigins = null)
    {
        var zones = await cloudflare.ListZonesAsync(ct).ConfigureAwait(false);
        var targets = Distinct(hostnames).Select(h => (Host: h, Zone: ZoneOf(h, zones))).ToList();

        var tunnel = await cloudflare.FindTunnelAsync(tunnelName, ct).ConfigureAwait(false)
                     ?? await cloudflare.CreateTunnelAsync(tunnelName, ct).ConfigureAwait(false);
        var token = await cloudflare.GetTunnelTokenAsync(tunnel.Id, ct).ConfigureAwait(false);

        var current = await cloudflare.GetTunnelConfigurationAsync(tunnel.Id, ct).ConfigureAwait(false);
        var desired = DesiredIngress(hostnames, KeptOrigin(current, hostnames, keepOrigins) ?? originService);
        if (current is null || !Matches(current, desired))
        {
            await cloudflare.PutTunnelConfigurationAsync(tunnel.Id, desired, ct).ConfigureAwait(false);
            current = await WaitForConfigurationAsync(tunnelName, tunnel.Id, desired, ct).ConfigureAwait(false);
        }

        var records = new List<DnsRecord>();
        foreach (var (host, zone) in targets)
            records.Add(await cloudflare.UpsertCnameAsync(zone, host, tunnel.CnameTarget, proxied: true, ct).ConfigureAwait(false));
        return new PublishedTunnel(tunnel, token, current, records);
    }

    /// <summary>
    /// Deletes the CNAMEs of the hostnames that point at this tunnel (others are left alone), then
    /// the tunnel after cleaning its connections. DNS goes first so a re-run still knows the tunnel id.
    /// </summary>
    public async Task RemoveAsync(string tunnelName, IReadOnlyList<string> hostnames, CancellationToken ct)
    {
        var live = await cloudflare.FindTunnelAsync(tunnelName, ct).ConfigureAwait(false);
        // After a run that deleted the tunnel but not its records, the deleted tunnel still names them.
        var tunnels = live is not null ? [live] : await cloudflare.ListTunnelsAsync(tunnelName, deleted: true, ct).ConfigureAwait(false);
        var targets = tunnels.Select(t => t.CnameTarget).ToHashSet(StringComparer.OrdinalIgnoreCase);

        if (targets.Count > 0 && hostnames.Count > 0)
        {
            var zones = await cloudflare.ListZonesAsync(ct).ConfigureAwait(false);
            foreach (var host in Distinct(hostnames))
            {
                if (ZoneMatcher.FindZone(host, zones) is not { } zone) continue;
                var record = await cloudflare.FindDnsRecordAsync(zone, host, "CNAME", ct).ConfigureAwait(false);
                if (record is not null && targets.Contains(DnsNames.Normalize(record.Content)))
                    await cloudflare.DeleteDnsRecordAsync(zone, record.Id, ct).ConfigureAwait(false);
            }
        }

        if (live is null) return;
        await cloudflare.CleanupTunnelConnectionsAsync(live.Id, ct).ConfigureAwait(false);
        await cloudflare.DeleteTunnelAsync(live.Id, ct).ConfigureAwait(false);
    }

    private async Task<TunnelConfiguration> WaitForConfigurationAsync(string tunnelName, string tunnelId, IReadOnlyList<IngressRule> desired, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + _options.PollTimeout;
        while (true)
        {
            var current = await cloudflare.GetTunnelConfigurationAsync(tunnelId, ct).ConfigureAwait(false);
            if (current is not null && Matches(current, desired)) return current;
            if (time.GetUtcNow() >= deadline) throw new TunnelConfigurationTimeoutException(tunnelName, _options.PollTimeout);
            await Task.Delay(_options.PollInterval, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The origin of <paramref name="keepOrigins"/> the live ingress routes every hostname to, when it is otherwise the desired one.</summary>
    public static string? KeptOrigin(TunnelConfiguration? current, IReadOnlyList<string> hostnames, IReadOnlyCollection<string>? keepOrigins) =>
        current is null || keepOrigins is null ? null : keepOrigins.FirstOrDefault(o => Matches(current, DesiredIngress(hostnames, o)));

    internal static bool Matches(TunnelConfiguration current, IReadOnlyList<IngressRule> desired) =>
        current.Ingress.Count == desired.Count && current.Ingress.Zip(desired).All(p =>
            string.Equals(p.First.Hostname, p.Second.Hostname, StringComparison.OrdinalIgnoreCase) &&
            p.First.Service == p.Second.Service &&
            string.Equals(p.First.HttpHostHeader, p.Second.HttpHostHeader, StringComparison.OrdinalIgnoreCase));

    private static CloudflareZone ZoneOf(string host, IReadOnlyList<CloudflareZone> zones) =>
        ZoneMatcher.FindZone(host, zones) ?? throw new CloudflareZoneNotFoundException(host, zones.Select(z => z.Name));

    private static IEnumerable<string> Distinct(IEnumerable<string> hostnames) =>
        hostnames.Select(DnsNames.Normalize).Where(h => h.Length > 0).Distinct();
}
