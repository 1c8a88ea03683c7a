using k8s;
using Nvoi.Cluster;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Operations.Progress;

namespace Nvoi.Operations.Deploy;

public sealed partial class Deployer
{
    /// <summary>One Cloudflare tunnel per app with a domain, all at once: config read back before DNS is written.</summary>
    private async Task<IReadOnlyDictionary<string, string>> EnsureTunnelsAsync(CancellationToken ct)
    {
        if (_desired.Tunnels.Count == 0) return new Dictionary<string, string>();
        var publisher = new TunnelPublisher(_world.Cloudflare, _world.Time);
        var results = await _steps.RunAsync("tunnels", null, $"Cloudflare tunnels ({_desired.Tunnels.Count})", async () =>
        {
            var all = await AllAsync(_desired.Tunnels, t =>
                _steps.RunAsync($"tunnel:{t.Service}", "tunnels", $"{t.TunnelName} → {string.Join(", ", t.Hostnames)}", async () =>
                {
                    var published = await publisher.EnsureAsync(t.TunnelName, t.Hostnames, DesiredState.TunnelOrigin, ct);
                    return new StepOutcome<(string, string)>((t.Service, published.Token.Value), $"{published.Records.Count} DNS records");
                }));
            return new StepOutcome<(string Service, string Token)[]>(all, "ready");
        });
        return results.ToDictionary(r => r.Service, r => r.Token);
    }

    /// <summary>Each public URL must answer from the app (not the error page) several times in a row.</summary>
    private Task VerifyAsync(CancellationToken ct)
    {
        var hosts = _desired.Hostnames.Where(h => !h.StartsWith('*')).ToList();
        if (hosts.Count == 0) return Task.CompletedTask;
        return _steps.RunAsync("verify", null, "Verify public URLs", async () =>
        {
            await AllAsync(hosts, h => VerifyHostAsync(h, ct));
            return $"{hosts.Count} answering";
        });
    }

    private async Task VerifyHostAsync(string hostname, CancellationToken ct)
    {
        var good = 0;
        UrlCheck last = new(false, "not checked");
        for (var attempt = 1; attempt <= _options.VerifyAttempts; attempt++)
        {
            last = await _world.CheckUrlAsync(hostname, ct);
            good = last.Ok ? good + 1 : 0;
            if (good >= _options.VerifyConsecutive) return;
            await Task.Delay(_options.VerifyInterval, _world.Time, ct);
        }
        throw new NvoiException($"https://{hostname} did not answer from the app: {last.Detail}. The pods run; check `nvoi logs` and the tunnel in Cloudflare.");
    }

    /// <summary>For a plan: the cluster's objects compared with what a deploy would apply (null when there is no cluster yet).</summary>
    private async Task<ClusterPlan?> ObserveClusterAsync(LiveState live, CancellationToken ct)
    {
        if (!live.Servers.TryGetValue(_desired.Master.Name, out var master) || master.PublicIPv4 is null) return null;
        return await _steps.RunAsync("observe-cluster", null, "Read the cluster", async () =>
        {
            var host = _world.Host(master);
            foreach (var server in _desired.Servers)
                if (live.Servers.TryGetValue(server.Name, out var info) && info.PublicIPv4 is not null &&
                    await (server.IsMaster ? ServerSetup.IsK3sActiveAsync(_world.Host(info), ct) : ServerSetup.IsK3sAgentActiveAsync(_world.Host(info), ct)))
                    live.K3sActive.Add(server.Name);
            if (!live.K3sActive.Contains(master.Name)) return new StepOutcome<ClusterPlan?>(null, "no cluster yet");

            await using var access = await OpenClusterAsync(host, ct);
            var liveObjects = await new Applier(access.Client).ListManagedAsync(_desired.Names.App, ClusterState.HashAnnotation, ct);
            var digest = await PrepareImageAsync(ct);
            var liveImage = await LiveAppImageAsync(access.Client, ct);
            var tokens = await TunnelTokensAsync(ct);
            PlannedAction imageAction;
            string image;
            if (liveImage is not null && liveImage.Value.Digest == digest)
            {
                imageAction = new(PlanActionKind.None, "image", _desired.Names.Prefix, "build context unchanged");
                image = liveImage.Value.Image;
            }
            else
            {
                imageAction = new(PlanActionKind.Create, "image", _desired.Names.Prefix, liveImage is null ? "not deployed yet" : "build context changed");
                image = "localhost:30500/" + _desired.Names.Prefix + ":next";
            }
            var manifests = ClusterState.Build(_config, image, digest, tokens);
            var objects = ClusterState.Diff(manifests.All, liveObjects);
            return new StepOutcome<ClusterPlan?>(new ClusterPlan(imageAction, objects), $"{liveObjects.Count} objects");
        });
    }

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
