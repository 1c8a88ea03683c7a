using k8s;
using k8s.Models;
using Nvoi.Configuration;

namespace Nvoi.Cluster;

public static partial class ManifestBuilder
{
    public const string ErrorPagesName = "nvoi-error-pages";
    public const string ErrorHeader = "X-Nvoi-Error";
    internal const string TraefikMiddlewareAnnotation = "traefik.ingress.kubernetes.io/router.middlewares";
    internal const int RegistryContainerPort = 5000;
    internal const int ErrorPagesPort = 8080;

    /// <summary>The master group: the one with <c>master: true</c>, or the only group.</summary>
    public static string? MasterGroup(Application config) =>
        config.Servers.FirstOrDefault(p => p.Value.Master).Key ?? (config.Servers.Count == 1 ? config.Servers.Keys.First() : null);

    /// <summary>The node label Kubernetes sets to the node's name (k3s registers each server under its own name).</summary>
    internal const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>
    /// The in-cluster registry, pinned to the master's first server (the k3s server, where the push tunnel lands on
    /// NodePort 30500). Its images live on that server under <see cref="Names.RegistryHostPath"/>, so a restarted
    /// registry pod still has every image the cluster keeps (0.2.0 used an emptyDir, lost with the pod).
    /// </summary>
    public static V1Deployment RegistryDeployment(Names names, Application config)
    {
        var master = MasterGroup(config);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = ClusterLabels.Meta(names.App, Names.RegistryName),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ClusterLabels.App] = Names.RegistryName } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = ClusterLabels.ForPods(names.App, Names.RegistryName) },
                    Spec = new V1PodSpec
                    {
                        Affinity = master is null ? null : Affinity([master]),
                        NodeSelector = master is null ? null : new Dictionary<string, string> { [HostnameLabel] = names.Server(master, 1) },
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "registry",
                                Image = "registry:2",
                                Ports = [new V1ContainerPort { ContainerPort = RegistryContainerPort, Protocol = "TCP" }],
                                Env = [new V1EnvVar { Name = "REGISTRY_HTTP_ADDR", Value = $"0.0.0.0:{RegistryContainerPort}" }],
                                VolumeMounts = [new V1VolumeMount { Name = "registry-storage", MountPath = "/var/lib/registry" }],
                            },
                        ],
                        Volumes = [HostPathVolume("registry-storage", Names.RegistryHostPath)],
                    },
                },
            },
        };
    }

    public static V1Service RegistryService(Names names) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = ClusterLabels.Meta(names.App, Names.RegistryName),
        Spec = new V1ServiceSpec
        {
            Type = "NodePort",
            Selector = new Dictionary<string, string> { [ClusterLabels.App] = Names.RegistryName },
            Ports = [new V1ServicePort { Port = RegistryContainerPort, TargetPort = RegistryContainerPort, NodePort = Names.RegistryPort, Protocol = "TCP" }],
        },
    };

    /// <summary>
    /// The error backend: nginx answering every path with a page and header <c>X-Nvoi-Error: 1</c>, and the
    /// Traefik <c>errors</c> middleware that serves it for 502-504 on every app Ingress.
    /// </summary>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> ErrorPages(Names names)
    {
        const string conf = """
            server {
              listen 8080;
              location / {
                default_type text/html;
                add_header X-Nvoi-Error 1 always;
                add_header Cache-Control no-store always;
                return 200 '<!doctype html><title>Unavailable</title><h1>This app is not answering right now</h1><p>It is starting or down. Try again in a moment.</p>';
              }
            }
            """;
        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = ClusterLabels.Meta(names.App, ErrorPagesName),
            Data = new Dictionary<string, string> { ["default.conf"] = conf + "\n" },
        };
        yield return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = ClusterLabels.Meta(names.App, ErrorPagesName),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ClusterLabels.App] = ErrorPagesName } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = ClusterLabels.ForPods(names.App, ErrorPagesName) },
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "nginx",
                                Image = "nginx:1.27-alpine",
                                Ports = [new V1ContainerPort { ContainerPort = ErrorPagesPort }],
                                VolumeMounts = [new V1VolumeMount { Name = "conf", MountPath = "/etc/nginx/conf.d" }],
                                Resources = new V1ResourceRequirements
                                {
                                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("16Mi") },
                                    Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("64Mi") },
                                },
                            },
                        ],
                        Volumes = [new V1Volume { Name = "conf", ConfigMap = new V1ConfigMapVolumeSource { Name = ErrorPagesName } }],
                    },
                },
            },
        };
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = ClusterLabels.Meta(names.App, ErrorPagesName),
            Spec = new V1ServiceSpec
            {
                Selector = new Dictionary<string, string> { [ClusterLabels.App] = ErrorPagesName },
                Ports = [new V1ServicePort { Port = ErrorPagesPort, TargetPort = ErrorPagesPort, Protocol = "TCP" }],
            },
        };
        yield return new TraefikMiddleware
        {
            Metadata = ClusterLabels.Meta(names.App, ErrorPagesName),
            Spec = new TraefikMiddlewareSpec
            {
                Errors = new TraefikErrorsSpec { Status = ["502-504"], Service = new TraefikServiceRef { Name = ErrorPagesName, Port = ErrorPagesPort } },
            },
        };
    }

    /// <summary>The tunnel token, kept in Secret <c>cloudflared-S</c> (0.2.0 put it in the container args).</summary>
    public static V1Secret TunnelSecret(Names names, string service, string token) =>
        Secret(names, names.Cloudflared(service), new Dictionary<string, string> { ["token"] = token });

    /// <summary>cloudflared for one app service, reading TUNNEL_TOKEN from its Secret.</summary>
    public static V1Deployment Cloudflared(Names names, string service)
    {
        var name = names.Cloudflared(service);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = ClusterLabels.Meta(names.App, name),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ClusterLabels.App] = name } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = ClusterLabels.ForPods(names.App, name) },
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "cloudflared",
                                Image = "cloudflare/cloudflared:latest",
                                Args = ["tunnel", "--no-autoupdate", "run"],
                                Env =
                                [
                                    new V1EnvVar
                                    {
                                        Name = "TUNNEL_TOKEN",
                                        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = name, Key = "token" } },
                                    },
                                ],
                            },
                        ],
                    },
                },
            },
        };
    }
}
