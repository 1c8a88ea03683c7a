using k8s;
using k8s.Models;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Credentials;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>A tunnel published by <see cref="TunnelPublisher"/>: its changes as <see cref="TunnelPlanner"/> read them.</summary>
public sealed record PublishTunnel(DesiredTunnel Tunnel, IReadOnlyList<TunnelChange> Changes) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => Changes.Select(TunnelsStep.Action);
}

/// <summary>Each tunnel's changes as <see cref="TunnelPlanner"/> read them (what <see cref="TunnelPublisher"/> will do).</summary>
internal static class TunnelsStep
{
    public static IEnumerable<PlannedChange> Plan(DesiredState desired, LiveState live)
    {
        foreach (var tunnel in desired.Tunnels)
        {
            var changes = live.TunnelChanges.GetValueOrDefault(tunnel.Service) ?? [];
            yield return changes.Count > 0
                ? new PublishTunnel(tunnel, changes)
                : new Unchanged(new(PlanActionKind.None, "tunnel", tunnel.TunnelName, $"routes {string.Join(", ", tunnel.Hostnames)}"));
        }
    }

    public static PlannedAction Action(TunnelChange change) => new(change.Kind switch
    {
        TunnelChangeKind.CreateTunnel or TunnelChangeKind.CreateRecord => PlanActionKind.Create,
        TunnelChangeKind.DeleteRecord or TunnelChangeKind.DeleteTunnel => PlanActionKind.Delete,
        _ => PlanActionKind.Update,
    }, Kind(change.Kind), change.Target, change.Reason);

    private static string Kind(TunnelChangeKind kind) => kind switch
    {
        TunnelChangeKind.CreateTunnel or TunnelChangeKind.DeleteTunnel => "tunnel",
        TunnelChangeKind.PutConfiguration => "tunnel config",
        TunnelChangeKind.Conflict => "dns record (conflict)",
        _ => "dns record",
    };
}

/// <summary>Step "tunnels": one Cloudflare tunnel per app with a domain.</summary>
public sealed partial class Deployer
{
    /// <summary>One Cloudflare tunnel per app with a domain, all at once: config read back before DNS is written.</summary>
    private async Task<IReadOnlyDictionary<string, string>> EnsureTunnelsAsync(Plan plan, CancellationToken ct)
    {
        if (_desired.Tunnels.Count == 0) return new Dictionary<string, string>();
        var publish = plan.ChangesOf<PublishTunnel>().Select(p => p.Tunnel.Service).ToHashSet();
        var publisher = new TunnelPublisher(_world.Cloudflare, _world.Time);
        var results = await _steps.RunAsync("tunnels", null, $"Cloudflare tunnels ({_desired.Tunnels.Count})", async () =>
        {
            var all = await AllAsync(_desired.Tunnels, t =>
                _steps.RunAsync($"tunnel:{t.Service}", "tunnels", $"{t.TunnelName} → {string.Join(", ", t.Hostnames)}", async () =>
                {
                    if (!publish.Contains(t.Service)) return new StepOutcome<(string, string)>((t.Service, await TunnelTokenAsync(t, ct)), "up to date");
                    // A tunnel of a cluster made by nvoi 0.2.0 stays on ingress-nginx until Traefik serves (adopt-switch).
                    var published = await publisher.EnsureAsync(t.TunnelName, t.Hostnames, DesiredState.TunnelOrigin, ct, Adopt020Step.KeptOrigins);
                    return new StepOutcome<(string, string)>((t.Service, published.Token.Value), $"{published.Records.Count} DNS records");
                }));
            return new StepOutcome<(string Service, string Token)[]>(all, "ready");
        });
        return results.ToDictionary(r => r.Service, r => r.Token);
    }

    /// <summary>The token of a tunnel the plan found up to date (read-only).</summary>
    private async Task<string> TunnelTokenAsync(DesiredTunnel t, CancellationToken ct) =>
        await _world.Cloudflare.FindTunnelAsync(t.TunnelName, ct) is { } tunnel
            ? (await _world.Cloudflare.GetTunnelTokenAsync(tunnel.Id, ct)).Value
            : throw new NvoiException($"cloudflare: tunnel {t.TunnelName} is gone since the plan; run the deploy again");

    /// <summary>
    /// Tokens of the tunnels (read-only), so a plan can compare their Secrets; a tunnel the deploy will create
    /// has no token yet, and stands in with a placeholder, so its Secret and cloudflared are planned too.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> TunnelTokensAsync(CancellationToken ct)
    {
        var tokens = new Dictionary<string, string>();
        foreach (var t in _desired.Tunnels)
            tokens[t.Service] = await _world.Cloudflare.FindTunnelAsync(t.TunnelName, ct) is { } tunnel
                ? (await _world.Cloudflare.GetTunnelTokenAsync(tunnel.Id, ct)).Value
                : "not created yet";
        return tokens;
    }
}
