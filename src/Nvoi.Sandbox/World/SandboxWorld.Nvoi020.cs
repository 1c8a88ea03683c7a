using k8s;
using k8s.Models;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Sandbox.Hosts;

namespace Nvoi.Sandbox.World;

/// <summary>k3s's bundled Traefik, and a sandbox shaped as nvoi 0.2.0 leaves a cluster (to rehearse adopting one).</summary>
public sealed partial class SandboxWorld
{
    private const string KubeSystem = "kube-system";
    private const string TraefikImage = "rancher/mirrored-library-traefik:3.3.6";

    /// <summary>What k3s's helm controller does when k3s starts with Traefik: its Deployment and Service in kube-system.</summary>
    private async Task DeployBundledTraefikAsync(string master, CancellationToken ct)
    {
        using var client = KubeClientFactory.ForUrl((await ClusterAsync(master)).InternalBaseUrl);
        await CreateIfMissingAsync(() => client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(KubeSystem, "traefik", TraefikImage), KubeSystem, cancellationToken: ct));
        await CreateIfMissingAsync(() => client.CoreV1.CreateNamespacedServiceAsync(Service(KubeSystem, "traefik", 80), KubeSystem, cancellationToken: ct));
    }

    /// <summary>
    /// Turns a sandbox deployed by nvoi into what nvoi 0.2.0 leaves: the master's k3s unit with
    /// <c>--disable=traefik</c> (and the 644 kubeconfig mode), no Traefik, ingress-nginx v1.10.0 with its
    /// cluster-wide objects and 0.2.0's error backend, the app Ingresses of class nginx without nvoi's labels,
    /// no nvoi error pages, and every tunnel routed to the ingress-nginx controller.
    /// </summary>
    public async Task ShapeAsNvoi020Async(DeployConfig config, CancellationToken ct = default)
    {
        var app = config.Application;
        var names = new Names(app.Name!);
        var masterGroup = app.Servers.Count == 1 ? app.Servers.Keys.First() : app.Servers.First(s => s.Value.Master).Key;
        var master = names.Server(masterGroup, 1);
        var host = HostByName(master);
        var node = (await host.ReadStateAsync(ct)).K3s ?? throw new NvoiException($"sandbox: {master} has no k3s: deploy the sandbox first");
        await host.WriteFileAsync(ServerSetup.K3sServiceUnit, SimulatedHost.K3sServerUnit([
            $"--bind-address={node.PrivateIp}", $"--advertise-address={node.PrivateIp}", $"--node-ip={node.PrivateIp}", $"--tls-san={node.PrivateIp}",
            "--flannel-iface=enp7s0", "--flannel-backend=wireguard-native", "--disable=traefik", "--write-kubeconfig-mode=644",
            "--cluster-cidr=10.42.0.0/16", "--service-cidr=10.43.0.0/16"]), ct);

        using var client = KubeClientFactory.ForUrl((await ClusterAsync(master)).InternalBaseUrl);
        await DeleteIfPresentAsync(() => client.AppsV1.DeleteNamespacedDeploymentAsync("traefik", KubeSystem, cancellationToken: ct));
        await DeleteIfPresentAsync(() => client.CoreV1.DeleteNamespacedServiceAsync("traefik", KubeSystem, cancellationToken: ct));

        const string ns = Nvoi020.Namespace;
        await CreateIfMissingAsync(() => client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: ct));
        await CreateIfMissingAsync(() => client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(ns, Nvoi020.Controller, "registry.k8s.io/ingress-nginx/controller:v1.10.0"), ns, cancellationToken: ct));
        await CreateIfMissingAsync(() => client.CoreV1.CreateNamespacedServiceAsync(Service(ns, Nvoi020.Controller, 80), ns, cancellationToken: ct));
        await CreateIfMissingAsync(() => client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(ns, Nvoi020.ErrorBackend, "nginx:alpine"), ns, cancellationToken: ct));
        await CreateIfMissingAsync(() => client.CoreV1.CreateNamespacedServiceAsync(Service(ns, Nvoi020.ErrorBackend, 80), ns, cancellationToken: ct));
        await CreateIfMissingAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = Nvoi020.ErrorPages, NamespaceProperty = ns },
            Data = new Dictionary<string, string> { ["error.html"] = "<h1>We'll be right back</h1>\n" },
        }, ns, cancellationToken: ct));
        await CreateIfMissingAsync(() => client.NetworkingV1.CreateIngressClassAsync(new V1IngressClass
        {
            Metadata = new V1ObjectMeta { Name = Nvoi020.IngressClass },
            Spec = new V1IngressClassSpec { Controller = "k8s.io/ingress-nginx" },
        }, cancellationToken: ct));
        foreach (var role in Nvoi020.ClusterRoles)
        {
            await CreateIfMissingAsync(() => client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole { Metadata = new V1ObjectMeta { Name = role } }, cancellationToken: ct));
            await CreateIfMissingAsync(() => client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
            {
                Metadata = new V1ObjectMeta { Name = role },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
            }, cancellationToken: ct));
        }
        await CreateIfMissingAsync(() => client.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(new V1ValidatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = Nvoi020.AdmissionWebhook },
        }, cancellationToken: ct));

        // nvoi's error pages did not exist; 0.2.0's Ingresses are plain, of class nginx, applied by kubectl.
        const string def = ClusterLabels.Namespace;
        await DeleteIfPresentAsync(() => client.CustomObjects.DeleteNamespacedCustomObjectAsync(TraefikMiddleware.Group, TraefikMiddleware.Version, def, TraefikMiddleware.Plural, ManifestBuilder.ErrorPagesName, cancellationToken: ct));
        await DeleteIfPresentAsync(() => client.AppsV1.DeleteNamespacedDeploymentAsync(ManifestBuilder.ErrorPagesName, def, cancellationToken: ct));
        await DeleteIfPresentAsync(() => client.CoreV1.DeleteNamespacedServiceAsync(ManifestBuilder.ErrorPagesName, def, cancellationToken: ct));
        await DeleteIfPresentAsync(() => client.CoreV1.DeleteNamespacedConfigMapAsync(ManifestBuilder.ErrorPagesName, def, cancellationToken: ct));
        var cloudflare = _internalCloudflare;
        foreach (var (service, spec) in app.App.Where(a => a.Value.IsWeb && !string.IsNullOrEmpty(a.Value.Domain)))
        {
            var name = names.AppIngress(service);
            var hosts = Names.Hostnames(spec.Subdomain, spec.Domain!);
            await DeleteIfPresentAsync(() => client.NetworkingV1.DeleteNamespacedIngressAsync(name, def, cancellationToken: ct));
            await client.NetworkingV1.CreateNamespacedIngressAsync(new V1Ingress
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name, NamespaceProperty = def,
                    Annotations = new Dictionary<string, string> { ["nginx.ingress.kubernetes.io/ssl-redirect"] = "true" },
                },
                Spec = new V1IngressSpec
                {
                    IngressClassName = Nvoi020.IngressClass,
                    Rules = hosts.Select(h => new V1IngressRule
                    {
                        Host = h,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths = [new V1HTTPIngressPath
                            {
                                Path = "/", PathType = "Prefix",
                                Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = names.AppService(service), Port = new V1ServiceBackendPort { Number = spec.Port!.Value } } },
                            }],
                        },
                    }).ToList(),
                },
            }, def, fieldManager: "kubectl-client-side-apply", cancellationToken: ct);
            if (await cloudflare.FindTunnelAsync(names.Tunnel(service), ct) is { } tunnel)
                await cloudflare.PutTunnelConfigurationAsync(tunnel.Id, TunnelPublisher.DesiredIngress(hosts, Nvoi020.TunnelOrigin), ct);
        }
    }

    private static V1Deployment Deployment(string ns, string name, string image) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = name, Image = image }] },
            },
        },
    };

    private static V1Service Service(string ns, string name, int port) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name },
            Ports = [new V1ServicePort { Port = port, TargetPort = port }],
        },
    };

    private static async Task CreateIfMissingAsync(Func<Task> create)
    {
        try { await create(); }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict) { }
    }

    private static async Task DeleteIfPresentAsync(Func<Task> delete)
    {
        try { await delete(); }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }
}
