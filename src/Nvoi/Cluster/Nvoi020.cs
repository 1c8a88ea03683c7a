namespace Nvoi.Cluster;

/// <summary>
/// What nvoi 0.2.0 left in a cluster that nvoi does not run: ingress-nginx (the bare-metal manifest of
/// controller v1.10.0) with 0.2.0's error backend in its namespace, and k3s started without Traefik.
/// </summary>
public static class Nvoi020
{
    public const string Namespace = "ingress-nginx";
    public const string Controller = "ingress-nginx-controller";
    public const string ErrorBackend = "nvoi-error-backend";
    public const string ErrorPages = "nvoi-error-pages";
    public const string IngressClass = "nginx";

    /// <summary>Where 0.2.0's tunnels send traffic: the ingress-nginx controller's Service.</summary>
    public const string TunnelOrigin = "http://ingress-nginx-controller.ingress-nginx.svc.cluster.local:80";

    /// <summary>The admission webhook the manifest registers (it validates every Ingress while it exists).</summary>
    public const string AdmissionWebhook = "ingress-nginx-admission";

    /// <summary>The manifest's cluster-wide roles and bindings (deleting the namespace leaves them).</summary>
    public static readonly IReadOnlyList<string> ClusterRoles = ["ingress-nginx", "ingress-nginx-admission"];

    /// <summary>The label nvoi puts on the Traefik Ingresses that serve an app while its tunnel switches.</summary>
    public const string BridgeLabel = "nvoi.io/adopting-0.2.0";

    /// <summary>The bridge Ingress of an app Ingress (same rules, for Traefik, no error-page middleware).</summary>
    public static string Bridge(string ingress) => ingress + "-adopt";
}
