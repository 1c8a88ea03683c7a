using k8s;
using k8s.Models;
using Nvoi.Cluster;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>What nvoi 0.2.0 left in the cluster that a deploy takes over (see <see cref="Nvoi020"/>).</summary>
/// <param name="TraefikDisabled">The master's k3s runs with <c>--disable=traefik</c>.</param>
/// <param name="IngressNginx">The namespace <c>ingress-nginx</c> exists.</param>
/// <param name="TunnelsOnNginx">App services whose tunnel routes to the ingress-nginx controller.</param>
/// <param name="Bridges">Bridge Ingresses left by a takeover that stopped before its end.</param>
public sealed record Nvoi020Leftovers(bool TraefikDisabled, bool IngressNginx, IReadOnlyList<string> TunnelsOnNginx, IReadOnlyList<string> Bridges)
{
    public static readonly Nvoi020Leftovers None = new(false, false, [], []);
    public bool Any => TraefikDisabled || IngressNginx || TunnelsOnNginx.Count > 0 || Bridges.Count > 0;
}

/// <summary>Enable the bundled Traefik on the master (k3s restarts), planned with k3s.</summary>
public sealed record EnableTraefik(string Server, string Reason) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.Update, "k3s traefik", Server, Reason)];
}

/// <summary>Move one tunnel from ingress-nginx to Traefik, through a bridge Ingress (created unless a stopped run left it).</summary>
public sealed record SwitchTunnelToTraefik(DesiredTunnel Tunnel, string Bridge, bool CreateBridge, string Reason) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() =>
    [
        .. CreateBridge ? [new PlannedAction(PlanActionKind.Create, "ingress (bridge)", Bridge, $"serves {Tunnel.Service} through Traefik while its tunnel switches")] : Array.Empty<PlannedAction>(),
        new(PlanActionKind.Update, "tunnel origin", Tunnel.TunnelName, Reason),
    ];
}

/// <summary>Delete a bridge Ingress once the deploy verified the app through Traefik.</summary>
public sealed record RemoveBridge(string Name) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() =>
        [new(PlanActionKind.Delete, "ingress (bridge)", Name, "after the deploy verified the app through Traefik")];
}

/// <summary>Delete what nvoi 0.2.0 installed for ingress-nginx, once every URL answered through Traefik.</summary>
public sealed record RemoveIngressNginx(string Reason) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe()
    {
        yield return new(PlanActionKind.Delete, "validatingwebhookconfiguration", Nvoi020.AdmissionWebhook, Reason);
        yield return new(PlanActionKind.Delete, "ingressclass", Nvoi020.IngressClass, Reason);
        foreach (var role in Nvoi020.ClusterRoles)
        {
            yield return new(PlanActionKind.Delete, "clusterrolebinding", role, Reason);
            yield return new(PlanActionKind.Delete, "clusterrole", role, Reason);
        }
        yield return new(PlanActionKind.Delete, "namespace", Nvoi020.Namespace,
            $"{Reason}; with it the controller and 0.2.0's error backend {Nvoi020.ErrorBackend}");
    }
}

/// <summary>
/// Taking over a cluster made by nvoi 0.2.0 without a moment offline: Traefik is enabled while ingress-nginx
/// keeps serving; each app is served by Traefik through a bridge Ingress, its tunnel switches and its URL is
/// verified (else it switches back); ingress-nginx goes only after the deploy verified every URL.
/// </summary>
internal static class Adopt020Step
{
    /// <summary>Origins the tunnels step leaves a tunnel on (the switch is this step's).</summary>
    public static readonly IReadOnlyCollection<string> KeptOrigins = [Nvoi020.TunnelOrigin];

    private const string Made = "cluster made by nvoi 0.2.0";

    /// <summary>Planned with k3s: enabling Traefik restarts k3s.</summary>
    public static IEnumerable<PlannedChange> PlanTraefik(DesiredState desired, LiveState live)
    {
        if (live.Nvoi020?.TraefikDisabled == true)
            yield return new EnableTraefik(desired.Master.Name,
                $"disabled ({Made}): enable it and restart k3s; the running pods keep serving through ingress-nginx");
    }

    /// <summary>Planned before the workloads: each tunnel on ingress-nginx moves to Traefik.</summary>
    public static IEnumerable<PlannedChange> PlanSwitch(DesiredState desired, LiveState live)
    {
        if (live.Nvoi020 is not { } left) yield break;
        foreach (var t in desired.Tunnels.Where(t => left.TunnelsOnNginx.Contains(t.Service)))
        {
            var bridge = Nvoi020.Bridge(desired.Names.AppIngress(t.Service));
            yield return new SwitchTunnelToTraefik(t, bridge, !left.Bridges.Contains(bridge),
                $"routes to ingress-nginx ({Made}): switch to Traefik, verify {string.Join(", ", t.Hostnames.Where(h => !h.StartsWith('*')))}, else switch back");
        }
    }

    /// <summary>Planned last: what 0.2.0 installed goes once every URL answered through Traefik.</summary>
    public static IEnumerable<PlannedChange> PlanCleanup(DesiredState desired, LiveState live)
    {
        if (live.Nvoi020 is not { } left) yield break;
        var bridges = left.Bridges.Concat(desired.Tunnels.Where(t => left.TunnelsOnNginx.Contains(t.Service))
            .Select(t => Nvoi020.Bridge(desired.Names.AppIngress(t.Service)))).Distinct().Order(StringComparer.Ordinal);
        foreach (var bridge in bridges)
            yield return new RemoveBridge(bridge);
        if (left.IngressNginx)
            yield return new RemoveIngressNginx("ingress-nginx v1.10.0 (" + Made + "), after every URL answered through Traefik");
    }
}

/// <summary>Steps "adopt-traefik", "adopt-switch" and "adopt-cleanup": taking over a cluster made by nvoi 0.2.0.</summary>
public sealed partial class Deployer
{
    /// <summary>For a plan: 0.2.0's leftovers (tunnel configurations are read only when the cluster shows some).</summary>
    private async Task<Nvoi020Leftovers> ObserveNvoi020Async(IRemoteHost master, IKubernetes client, CancellationToken ct)
    {
        var traefikDisabled = ServerSetup.IsTraefikDisabledAsync(master, _desired.Master.Name, ct);
        var nginx = IngressNginxExistsAsync(client, ct);
        var bridges = BridgesAsync(client, ct);
        var left = new Nvoi020Leftovers(await traefikDisabled, await nginx, [], await bridges);
        if (!left.Any) return left;
        var onNginx = new List<string>();
        foreach (var t in _desired.Tunnels)
            if (await _world.Cloudflare.FindTunnelAsync(t.TunnelName, ct) is { } tunnel &&
                TunnelPublisher.KeptOrigin(await _world.Cloudflare.GetTunnelConfigurationAsync(tunnel.Id, ct), t.Hostnames, Adopt020Step.KeptOrigins) is not null)
                onNginx.Add(t.Service);
        return left with { TunnelsOnNginx = onNginx };
    }

    /// <summary>When planned (an active master whose k3s runs without Traefik, as 0.2.0 left it): k3s restarted with it.</summary>
    private async Task EnableTraefikAsync(Plan plan, IRemoteHost master, CancellationToken ct)
    {
        if (!plan.ChangesOf<EnableTraefik>().Any()) return;
        await _steps.RunAsync("adopt-traefik", "k3s", "Enable Traefik (cluster made by nvoi 0.2.0)", async () =>
            await ServerSetup.EnableTraefikAsync(master, _desired.Master.Name, ct) ? "k3s restarted with Traefik" : "enabled");
    }

    /// <summary>
    /// Before the rollout, each tunnel left on ingress-nginx moves to Traefik: once Traefik is ready, a bridge Ingress
    /// serves the running app through it, the tunnel switches, and its URLs must answer (else it switches back).
    /// </summary>
    private async Task SwitchTunnelsToTraefikAsync(Plan plan, ClusterAccess cluster, ClusterManifests manifests, CancellationToken ct)
    {
        var switching = plan.ChangesOf<SwitchTunnelToTraefik>().Select(c => c.Tunnel).ToList();
        if (switching.Count == 0) return;
        var client = cluster.Client;
        await _steps.RunAsync("adopt-switch", null, $"Switch {switching.Count} tunnel(s) from ingress-nginx to Traefik (cluster made by nvoi 0.2.0)", async () =>
        {
            await WaitForTraefikAsync(client, ct);
            var applier = new Applier(client);
            foreach (var t in switching)
                await applier.ApplyAsync(Bridge(manifests, t.Service), ct: ct);
            var publisher = new TunnelPublisher(_world.Cloudflare, _world.Time);
            await AllAsync(switching, async t =>
            {
                await publisher.EnsureAsync(t.TunnelName, t.Hostnames, DesiredState.TunnelOrigin, ct);
                try
                {
                    await AllAsync(t.Hostnames.Where(h => !h.StartsWith('*')), h => VerifyHostAsync(h, ct));
                }
                catch (NvoiException e)
                {
                    await publisher.EnsureAsync(t.TunnelName, t.Hostnames, Nvoi020.TunnelOrigin, CancellationToken.None);
                    throw new NvoiException($"tunnel {t.TunnelName} switched back to ingress-nginx: through Traefik, {e.Message}", e);
                }
            });
            return $"{switching.Count} switched and answering";
        });
    }

    /// <summary>After the deploy verified every URL: the bridges, then ingress-nginx (its namespace last, so a rerun finds the rest).</summary>
    private async Task RemoveIngressNginxAsync(Plan plan, ClusterAccess cluster, CancellationToken ct)
    {
        var bridges = plan.ChangesOf<RemoveBridge>().Select(b => b.Name).ToList();
        var nginx = plan.ChangesOf<RemoveIngressNginx>().Any();
        if (bridges.Count == 0 && !nginx) return;
        var client = cluster.Client;
        await _steps.RunAsync("adopt-cleanup", null, "Remove ingress-nginx (cluster made by nvoi 0.2.0)", async () =>
        {
            foreach (var bridge in bridges)
                await Gone(() => client.NetworkingV1.DeleteNamespacedIngressAsync(bridge, ClusterLabels.Namespace, cancellationToken: ct));
            if (!nginx) return $"{bridges.Count} bridge ingress(es) removed";
            await Gone(() => client.AdmissionregistrationV1.DeleteValidatingWebhookConfigurationAsync(Nvoi020.AdmissionWebhook, cancellationToken: ct));
            await Gone(() => client.NetworkingV1.DeleteIngressClassAsync(Nvoi020.IngressClass, cancellationToken: ct));
            foreach (var role in Nvoi020.ClusterRoles)
            {
                await Gone(() => client.RbacAuthorizationV1.DeleteClusterRoleBindingAsync(role, cancellationToken: ct));
                await Gone(() => client.RbacAuthorizationV1.DeleteClusterRoleAsync(role, cancellationToken: ct));
            }
            await Gone(() => client.CoreV1.DeleteNamespaceAsync(Nvoi020.Namespace, cancellationToken: ct));
            return bridges.Count == 0 ? "removed" : $"removed, and {bridges.Count} bridge ingress(es)";
        });
    }

    /// <summary>The app's Ingress as a bridge: same rules for Traefik, labelled for finding again, no error-page middleware, not pruned.</summary>
    private V1Ingress Bridge(ClusterManifests manifests, string service)
    {
        var name = _desired.Names.AppIngress(service);
        var ingress = manifests.All.OfType<V1Ingress>().FirstOrDefault(i => i.Metadata.Name == name)
            ?? throw new NvoiException($"no Ingress {name} to bridge");
        var bridge = KubernetesJson.Deserialize<V1Ingress>(KubernetesJson.Serialize(ingress));
        bridge.Metadata = new V1ObjectMeta
        {
            Name = Nvoi020.Bridge(name), NamespaceProperty = ClusterLabels.Namespace,
            Labels = new Dictionary<string, string> { [Nvoi020.BridgeLabel] = _desired.Names.App },
        };
        return bridge;
    }

    private async Task WaitForTraefikAsync(IKubernetes client, CancellationToken ct)
    {
        var deadline = _world.Time.GetUtcNow() + _options.RolloutTimeout;
        while (true)
        {
            try
            {
                var traefik = await client.AppsV1.ReadNamespacedDeploymentAsync("traefik", "kube-system", cancellationToken: ct);
                if ((traefik.Status?.ReadyReplicas ?? 0) > 0) return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
            if (_world.Time.GetUtcNow() >= deadline)
                throw new NvoiException($"Traefik (kube-system/traefik) was not ready within {_options.RolloutTimeout.TotalMinutes:0} minutes after enabling it; ingress-nginx still serves. Check `nvoi exec -- sudo k3s kubectl -n kube-system get pods`");
            await Task.Delay(TimeSpan.FromSeconds(2), _world.Time, ct);
        }
    }

    private static async Task<bool> IngressNginxExistsAsync(IKubernetes client, CancellationToken ct)
    {
        try { await client.CoreV1.ReadNamespaceAsync(Nvoi020.Namespace, cancellationToken: ct); return true; }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return false; }
    }

    private async Task<IReadOnlyList<string>> BridgesAsync(IKubernetes client, CancellationToken ct) =>
        (await client.NetworkingV1.ListNamespacedIngressAsync(ClusterLabels.Namespace, labelSelector: $"{Nvoi020.BridgeLabel}={_desired.Names.App}", cancellationToken: ct))
            .Items.Select(i => i.Metadata.Name).Order(StringComparer.Ordinal).ToList();

    private static async Task Gone(Func<Task> delete)
    {
        try { await delete(); }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }
}
