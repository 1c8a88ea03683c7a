using Nvoi.Cloud;
using Nvoi.Dns;

namespace Nvoi.Onboarding;

/// <summary>
/// The wizard's live checks against the provider APIs. Every failure is an
/// <see cref="NvoiException"/> with one line the wizard shows before asking again.
/// </summary>
public sealed class OnboardingChecks(IOnboardingClients clients)
{
    public IOnboardingClients Clients => clients;

    /// <summary>Checks the credentials and returns the provider's locations (zones, regions).</summary>
    public async Task<IReadOnlyList<LocationInfo>> CheckComputeAsync(ComputeProviderKind kind, IReadOnlyDictionary<string, string> credentials, CancellationToken ct)
    {
        var info = ComputeProviderInfo.Of(kind);
        return await CallAsync(info.DisplayName, kind, credentials, info.ProbeLocation, async p =>
        {
            await p.ValidateCredentialsAsync(ct).ConfigureAwait(false);
            var locations = await p.ListLocationsAsync(ct).ConfigureAwait(false);
            if (locations.Count == 0) throw new NvoiException($"{info.DisplayName} lists no {info.LocationWord} for this account");
            return locations.OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
        }).ConfigureAwait(false);
    }

    /// <summary>The server types offered in <paramref name="location"/>, cheapest first.</summary>
    public async Task<IReadOnlyList<ServerTypeInfo>> ListServerTypesAsync(ComputeProviderKind kind, IReadOnlyDictionary<string, string> credentials, string location, CancellationToken ct)
    {
        var info = ComputeProviderInfo.Of(kind);
        return await CallAsync(info.DisplayName, kind, credentials, location, async p =>
        {
            var types = (await p.ListServerTypesAsync(ct).ConfigureAwait(false))
                .Where(t => t.Locations.Count == 0 || t.Locations.Contains(location))
                .OrderBy(t => t.MonthlyPrice ?? decimal.MaxValue).ThenBy(t => t.Name, StringComparer.Ordinal)
                .ToList();
            if (types.Count == 0) throw new NvoiException($"{info.DisplayName} offers no {info.TypeWord} in {location}; choose another {info.LocationWord}");
            return types;
        }).ConfigureAwait(false);
    }

    /// <summary>Checks the token and the account (tunnels, DNS) and returns the active zones.</summary>
    public async Task<IReadOnlyList<CloudflareZone>> CheckCloudflareAsync(string apiToken, string accountId, CancellationToken ct)
    {
        var cf = clients.CreateCloudflare(apiToken, accountId);
        try
        {
            await cf.VerifyAccessAsync(ct).ConfigureAwait(false);
            var zones = await cf.ListZonesAsync(ct).ConfigureAwait(false);
            return zones.Where(z => string.Equals(z.Status, "active", StringComparison.OrdinalIgnoreCase))
                .OrderBy(z => z.Name, StringComparer.Ordinal).ToList();
        }
        catch (CloudflarePermissionException e) when (e.Message.Contains("sees no zone", StringComparison.Ordinal))
        {
            return [];
        }
        catch (HttpRequestException e)
        {
            throw new NvoiException($"cannot reach Cloudflare: {e.Message}");
        }
        finally
        {
            (cf as IDisposable)?.Dispose();
        }
    }

    /// <summary>The hostnames of <paramref name="subdomain"/> in the zone that already have a DNS record.</summary>
    public async Task<IReadOnlyList<string>> TakenHostnamesAsync(CloudflareAnswer cloudflare, CloudflareZone zone, string? subdomain, CancellationToken ct)
    {
        var cf = clients.CreateCloudflare(cloudflare.ApiToken, cloudflare.AccountId);
        try
        {
            var taken = new List<string>();
            foreach (var host in Configuration.Names.Hostnames(subdomain, zone.Name))
                if (!await cf.IsNameFreeAsync(zone, host, ct).ConfigureAwait(false)) taken.Add(host);
            return taken;
        }
        catch (HttpRequestException e)
        {
            throw new NvoiException($"cannot reach Cloudflare: {e.Message}");
        }
        finally
        {
            (cf as IDisposable)?.Dispose();
        }
    }

    private async Task<T> CallAsync<T>(string provider, ComputeProviderKind kind, IReadOnlyDictionary<string, string> credentials, string location, Func<ICloudProvider, Task<T>> call)
    {
        var p = clients.CreateCompute(kind, credentials, location);
        try
        {
            return await call(p).ConfigureAwait(false);
        }
        catch (CloudAuthenticationException)
        {
            throw new NvoiException($"{provider} refused the credentials (check the {string.Join(" and ", ComputeProviderInfo.Of(kind).Fields.Select(f => f.Label))})");
        }
        catch (HttpRequestException e)
        {
            throw new NvoiException($"cannot reach {provider}: {e.Message}");
        }
        finally
        {
            (p as IDisposable)?.Dispose();
        }
    }
}
