namespace Nvoi.Dns;

/// <summary>Hostname helpers: Cloudflare stores names lower case, without a trailing dot.</summary>
public static class DnsNames
{
    public static string Normalize(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

    public static bool Same(string a, string b) => Normalize(a) == Normalize(b);

    /// <summary>The hostname a config app is published on: <c>@</c> or empty is the apex.</summary>
    public static string Hostname(string domain, string? subdomain) =>
        string.IsNullOrWhiteSpace(subdomain) || subdomain == "@" ? Normalize(domain) : Normalize($"{subdomain}.{domain}");
}

/// <summary>Finds the zone of a hostname: the zone whose name is its longest suffix.</summary>
public static class ZoneMatcher
{
    /// <example><c>app.example.co.uk</c> with zones <c>co.uk</c> and <c>example.co.uk</c> → <c>example.co.uk</c>.</example>
    public static CloudflareZone? FindZone(string hostname, IEnumerable<CloudflareZone> zones)
    {
        var host = DnsNames.Normalize(hostname);
        if (host.StartsWith("*.", StringComparison.Ordinal)) host = host[2..];
        return zones
            .Where(z => IsWithin(host, DnsNames.Normalize(z.Name)))
            .OrderByDescending(z => z.Name.Length)
            .FirstOrDefault();
    }

    private static bool IsWithin(string host, string zone) =>
        host == zone || host.EndsWith("." + zone, StringComparison.Ordinal);
}
