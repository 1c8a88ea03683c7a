using System.Security.Cryptography;
using System.Text;
using System.Globalization;
using k8s.Models;
using Nvoi.Configuration;

namespace Nvoi.Cluster;

public static partial class ManifestBuilder
{
    internal const string EnvHashAnnotation = "nvoi.io/env-hash";

    /// <summary>A host-path mount: volume name, host path, container path.</summary>
    public sealed record Mount(string Volume, string HostPath, string ContainerPath);

    /// <summary>The app's mounts plus, for sqlite, the database mount; all on the service's single group.</summary>
    public static IReadOnlyList<Mount> AppMounts(Names names, Application config, string service, AppService app)
    {
        var all = new Dictionary<string, string>(app.Mounts);
        if (config.Database is { } db && DatabaseKind(db) == "sqlite")
            foreach (var (k, v) in db.Mount) all.TryAdd(k, v);
        if (all.Count == 0) return [];
        if (app.Servers.Count != 1)
            throw new NvoiException($"application.app.{service}: a service with mounts must run on exactly one server group");
        var group = app.Servers[0];
        return all.Select(p => new Mount(VolumeName(p.Key), names.ServerVolumeHostPath(group, p.Key), p.Value)).ToList();
    }

    /// <summary>A name as a DNS label (volume and Job names): <c>redis_data</c> becomes <c>redis-data</c>, cut to 63.</summary>
    internal static string VolumeName(string volume)
    {
        var chars = volume.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var name = new string(chars).Trim('-');
        if (name.Length > Names.MaxDnsLabel) name = name[..Names.MaxDnsLabel].TrimEnd('-');
        return name.Length == 0 ? "data" : name;
    }

    /// <summary>The app container: image, command, ports, env from the app Secret, probes, resources, mounts.</summary>
    internal static V1Container AppContainer(Names names, string service, AppService app, IEnumerable<string> env, string image, IReadOnlyList<Mount> mounts, string containerName)
    {
        var container = new V1Container
        {
            Name = containerName,
            Image = image,
            Command = SplitCommand(app.Command),
            Env = AppEnvVars(names, service, app, env),
            Resources = AppResources(app.Resources),
            VolumeMounts = mounts.Count == 0 ? null : mounts.Select(m => new V1VolumeMount { Name = m.Volume, MountPath = m.ContainerPath }).ToList(),
        };
        if (app.IsWeb) container.Ports = [new V1ContainerPort { ContainerPort = app.Port!.Value, Name = "http" }];
        return container;
    }

    /// <summary>
    /// One secretKeyRef per variable (as 0.2.0): the shared keys the service does not override, then its own
    /// keys from <c>svc.S.KEY</c>. Per-key refs keep other services' own env out of this container.
    /// </summary>
    internal static List<V1EnvVar> AppEnvVars(Names names, string service, AppService app, IEnumerable<string> sharedKeys)
    {
        V1EnvVar Ref(string name, string key) => new()
        {
            Name = name,
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = names.AppSecret, Key = key } },
        };
        return sharedKeys.Where(k => !app.Env.ContainsKey(k)).Select(k => (Name: k, Key: k))
            .Concat(app.Env.Keys.Select(k => (Name: k, Key: ServiceEnvKey(service, k))))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => Ref(p.Name, p.Key)).ToList();
    }

    internal static V1PodSpec AppPodSpec(V1Container container, AppService app, IReadOnlyList<Mount> mounts, string restartPolicy = "Always") => new()
    {
        Affinity = Affinity(app.Servers),
        Containers = [container],
        Volumes = mounts.Count == 0 ? null : mounts.Select(m => HostPathVolume(m.Volume, m.HostPath)).ToList(),
        RestartPolicy = restartPolicy,
    };

    public static V1Deployment AppDeployment(Names names, string service, AppService app, IEnumerable<string> env, string image, IReadOnlyList<Mount> mounts, string envHash)
    {
        var label = names.AppPodLabel(service);
        var container = AppContainer(names, service, app, env, image, mounts, app.IsWeb ? "app" : "worker");
        (container.ReadinessProbe, container.LivenessProbe) = Probes(app);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = ClusterLabels.Meta(names.App, names.AppDeployment(service)),
            Spec = new V1DeploymentSpec
            {
                Replicas = app.ReplicasValue,
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 },
                },
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ClusterLabels.App] = label } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = ClusterLabels.ForPods(names.App, label),
                        Annotations = new Dictionary<string, string> { [EnvHashAnnotation] = envHash },
                    },
                    Spec = AppPodSpec(container, app, mounts),
                },
            },
        };
    }

    public static V1Service AppServiceObject(Names names, string service, int port) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = ClusterLabels.Meta(names.App, names.AppService(service)),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = new Dictionary<string, string> { [ClusterLabels.App] = names.AppPodLabel(service) },
            Ports = [new V1ServicePort { Name = "http", Port = port, TargetPort = port, Protocol = "TCP" }],
        },
    };

    /// <summary>The Ingress for Traefik (k3s's ingress controller), one rule per hostname.</summary>
    public static V1Ingress AppIngress(Names names, string service, AppService app, bool errorPages)
    {
        var meta = ClusterLabels.Meta(names.App, names.AppIngress(service));
        if (errorPages)
            meta.Annotations = new Dictionary<string, string> { [TraefikMiddlewareAnnotation] = $"{ClusterLabels.Namespace}-{ErrorPagesName}@kubernetescrd" };
        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = meta,
            Spec = new V1IngressSpec
            {
                IngressClassName = "traefik",
                Rules = Names.Hostnames(app.Subdomain, app.Domain!).Select(host => new V1IngressRule
                {
                    Host = host,
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = "/",
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend { Name = names.AppService(service), Port = new V1ServiceBackendPort { Number = app.Port } },
                                },
                            },
                        ],
                    },
                }).ToList(),
            },
        };
    }

    /// <summary>
    /// The <c>pre_run_command</c> Job: the new image, the app's env and mounts, no retries. Its name carries the
    /// image tag and a hash of its spec: a re-run of the same deploy finds it done, and any change (the image,
    /// an env var, the command) makes a new Job instead of editing one, whose spec Kubernetes does not let change.
    /// </summary>
    public static V1Job PreRunJob(Names names, string service, AppService app, IEnumerable<string> env, string image, IReadOnlyList<Mount> mounts, string envHash)
    {
        var colon = image.LastIndexOf(':');
        var tag = colon > image.LastIndexOf('/') ? image[(colon + 1)..] : "";
        var container = AppContainer(names, service, app with { Port = null }, env, image, mounts, "pre-run");
        container.Command = ["sh", "-c", app.PreRunCommand!];
        var labels = ClusterLabels.ForPods(names.App, $"{names.AppPodLabel(service)}-pre-run");
        var spec = new V1JobSpec
        {
            BackoffLimit = 0,
            TtlSecondsAfterFinished = 86400,
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = labels },
                Spec = AppPodSpec(container, app, mounts, "Never"),
            },
        };
        // The env's values reach the pod through the Secret, so its hash counts as part of the spec.
        var specHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(k8s.KubernetesJson.Serialize(spec) + "\0" + envHash)))[..8];
        var prefix = VolumeName($"{names.AppDeployment(service)}-pre-run-{tag}");
        if (prefix.Length > Names.MaxDnsLabel - 9) prefix = prefix[..(Names.MaxDnsLabel - 9)].TrimEnd('-');
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = ClusterLabels.Meta(names.App, $"{prefix}-{specHash}", new Dictionary<string, string> { [ClusterLabels.App] = labels[ClusterLabels.App] }),
            Spec = spec,
        };
    }

    /// <summary>Readiness and liveness probes from <c>healthcheck</c> (http, tcp or exec); none without one.</summary>
    internal static (V1Probe? Readiness, V1Probe? Liveness) Probes(AppService app)
    {
        if (app.Healthcheck is not { } hc) return (null, null);
        var type = (hc.Type ?? "http").ToLowerInvariant();
        if (type is "http" or "tcp" && !app.IsWeb && hc.Port is null) return (null, null);
        var port = hc.Port ?? app.Port ?? 0;
        V1Probe Make(int initialDelay)
        {
            var probe = new V1Probe
            {
                InitialDelaySeconds = initialDelay,
                PeriodSeconds = Seconds(hc.Interval, 10),
                TimeoutSeconds = Seconds(hc.Timeout, 5),
                FailureThreshold = hc.Retries is > 0 ? hc.Retries : 3,
            };
            switch (type)
            {
                case "http": probe.HttpGet = new V1HTTPGetAction { Path = string.IsNullOrEmpty(hc.Path) ? "/health" : hc.Path, Port = port }; break;
                case "tcp": probe.TcpSocket = new V1TCPSocketAction { Port = port }; break;
                case "exec": probe.Exec = new V1ExecAction { Command = ["sh", "-c", hc.Command ?? "true"] }; break;
                default: throw new NvoiException($"healthcheck type '{hc.Type}' is not http, tcp or exec");
            }
            return probe;
        }
        return (Make(10), Make(30));
    }

    /// <summary>"10s", "2m", "500ms" or "15" as whole seconds (at least 1).</summary>
    internal static int Seconds(string? value, int fallback)
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        var v = value.Trim().ToLowerInvariant();
        double n;
        if (v.EndsWith("ms") && double.TryParse(v[..^2], CultureInfo.InvariantCulture, out n)) return Math.Max(1, (int)Math.Ceiling(n / 1000));
        if (v.EndsWith('s') && double.TryParse(v[..^1], CultureInfo.InvariantCulture, out n)) return Math.Max(1, (int)n);
        if (v.EndsWith('m') && double.TryParse(v[..^1], CultureInfo.InvariantCulture, out n)) return Math.Max(1, (int)(n * 60));
        if (double.TryParse(v, CultureInfo.InvariantCulture, out n)) return Math.Max(1, (int)n);
        throw new NvoiException($"healthcheck duration '{value}' is not like 10s, 1m or 500ms");
    }
}
