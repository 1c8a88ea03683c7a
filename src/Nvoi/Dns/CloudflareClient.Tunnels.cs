using System.Security.Cryptography;
using System.Text.Json;

namespace Nvoi.Dns;

public sealed partial class CloudflareClient
{
    private const int TunnelsPerPage = 50;

    private string TunnelsPath => $"accounts/{Uri.EscapeDataString(_settings.AccountId)}/cfd_tunnel";

    public async Task<CloudflareTunnel?> FindTunnelAsync(string name, CancellationToken ct) =>
        (await ListTunnelsAsync(name, deleted: false, ct).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<CloudflareTunnel>> ListTunnelsAsync(string? name, bool? deleted, CancellationToken ct)
    {
        var query = new List<string>();
        if (name is not null) query.Add("name=" + Uri.EscapeDataString(name));
        if (deleted is { } d) query.Add("is_deleted=" + (d ? "true" : "false"));
        var path = query.Count == 0 ? TunnelsPath : $"{TunnelsPath}?{string.Join('&', query)}";
        var tunnels = await ListAllAsync<TunnelDto>(path, TunnelsPerPage, ct).ConfigureAwait(false);
        return tunnels
            .Where(t => name is null || t.Name == name)
            .Where(t => deleted is null || (t.DeletedAt is not null) == deleted)
            .Select(ToTunnel)
            .ToList();
    }

    public Task<CloudflareTunnel> CreateTunnelAsync(string name, CancellationToken ct) =>
        CreateGuardedAsync(
            async token =>
            {
                var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                var envelope = await SendAsync(HttpMethod.Post, TunnelsPath, new TunnelBody(name, "cloudflare", secret), token).ConfigureAwait(false);
                return ToTunnel(Result<TunnelDto>(envelope, HttpMethod.Post, TunnelsPath));
            },
            token => FindTunnelAsync(name, token),
            e => e.StatusCode == 409 || e.Code == 1013,
            ct);

    public async Task<TunnelToken> GetTunnelTokenAsync(string tunnelId, CancellationToken ct)
    {
        var token = await GetAsync<string>($"{TunnelsPath}/{tunnelId}/token", ct).ConfigureAwait(false);
        return new TunnelToken(token);
    }

    public async Task<TunnelConfiguration> PutTunnelConfigurationAsync(string tunnelId, IReadOnlyList<IngressRule> ingress, CancellationToken ct)
    {
        var path = $"{TunnelsPath}/{tunnelId}/configurations";
        var body = new ConfigBody(new ConfigDto(ingress.Select(r => new IngressDto(r.Hostname, r.Service,
            r.HttpHostHeader is null ? null : new OriginRequestDto(r.HttpHostHeader))).ToList()));
        var envelope = await SendAsync(HttpMethod.Put, path, body, ct).ConfigureAwait(false);
        return ToConfiguration(tunnelId, Result<ConfigurationDto>(envelope, HttpMethod.Put, path));
    }

    public async Task<TunnelConfiguration?> GetTunnelConfigurationAsync(string tunnelId, CancellationToken ct)
    {
        var path = $"{TunnelsPath}/{tunnelId}/configurations";
        var envelope = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        if (envelope.Result.ValueKind != JsonValueKind.Object) return null;
        var dto = Result<ConfigurationDto>(envelope, HttpMethod.Get, path);
        return dto.Config is null ? null : ToConfiguration(tunnelId, dto);
    }

    public async Task CleanupTunnelConnectionsAsync(string tunnelId, CancellationToken ct)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, $"{TunnelsPath}/{tunnelId}/connections", null, ct).ConfigureAwait(false);
        }
        catch (CloudflareApiException e) when (e.StatusCode == 404)
        {
        }
    }

    public async Task DeleteTunnelAsync(string tunnelId, CancellationToken ct)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, $"{TunnelsPath}/{tunnelId}", null, ct).ConfigureAwait(false);
        }
        catch (CloudflareApiException e) when (e.StatusCode == 404)
        {
            // Already deleted: a retried delete whose first answer was lost lands here.
        }
    }

    private static CloudflareTunnel ToTunnel(TunnelDto t) => new(t.Id, t.Name, t.ConfigSrc, t.DeletedAt);

    private static TunnelConfiguration ToConfiguration(string tunnelId, ConfigurationDto dto) =>
        new(dto.TunnelId ?? tunnelId, dto.Version,
            (dto.Config?.Ingress ?? []).Select(i => new IngressRule(i.Hostname, i.Service, i.OriginRequest?.HttpHostHeader)).ToList());
}
