using k8s;
using k8s.Models;
using Nvoi.Configuration;

namespace Nvoi.Cluster;

/// <summary>Everything the manifest builder needs; the builder itself reads nothing else.</summary>
public sealed record ManifestInputs
{
    /// <summary>The application config (after any --branch override).</summary>
    public required Application Config { get; init; }

    /// <summary>The resolved environment shared by every app service (reference §4, without a service's own env).</summary>
    public required IReadOnlyDictionary<string, string> AppEnv { get; init; }

    /// <summary>The app image as the cluster pulls it: <c>localhost:30500/P:TIMESTAMP</c>.</summary>
    public required string Image { get; init; }

    /// <summary>Cloudflare tunnel tokens by app service name; a service with a token gets cloudflared.</summary>
    public IReadOnlyDictionary<string, string> TunnelTokens { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether to include the in-cluster registry (deployment/service <c>nvoi-registry</c>).</summary>
    public bool IncludeRegistry { get; init; } = true;

    /// <summary>Whether to include the error backend and its Traefik middleware.</summary>
    public bool IncludeErrorPages { get; init; } = true;
}

/// <summary>The desired cluster objects of one app, grouped in the order a deploy applies them.</summary>
public sealed record ClusterManifests
{
    /// <summary>app-secret-A, db-secret-A, extra services' secrets, tunnel token secrets.</summary>
    public List<IKubernetesObject<V1ObjectMeta>> Secrets { get; } = [];
    /// <summary>nvoi-registry and the error backend.</summary>
    public List<IKubernetesObject<V1ObjectMeta>> Platform { get; } = [];
    /// <summary>The managed database's StatefulSet and Service (none for sqlite or an external url).</summary>
    public List<IKubernetesObject<V1ObjectMeta>> Database { get; } = [];
    /// <summary>Extra services: Deployment (and Service with a port).</summary>
    public List<IKubernetesObject<V1ObjectMeta>> Extras { get; } = [];
    /// <summary><c>pre_run_command</c> Jobs, run with the new image before app Deployments change.</summary>
    public List<V1Job> PreRunJobs { get; } = [];
    /// <summary>App services: Deployment, Service and Ingress.</summary>
    public List<IKubernetesObject<V1ObjectMeta>> Apps { get; } = [];
    /// <summary>The app services' CronJobs, applied with the app services.</summary>
    public List<V1CronJob> CronJobs { get; } = [];
    /// <summary>cloudflared Deployments, one per tunnelled app service.</summary>
    public List<IKubernetesObject<V1ObjectMeta>> Tunnels { get; } = [];

    /// <summary>Every object, in apply order.</summary>
    public IEnumerable<IKubernetesObject<V1ObjectMeta>> All =>
        Secrets.Concat(Platform).Concat(Database).Concat(Extras).Concat(PreRunJobs).Concat(Apps).Concat(CronJobs).Concat(Tunnels);
}
