using k8s.Models;
using Nvoi.Configuration;

namespace Nvoi.Cluster;

public static partial class ManifestBuilder
{
    public static int DatabasePort(string kind) => kind == "mysql" ? 3306 : 5432;

    public static string DatabaseImage(Database db, string kind) =>
        !string.IsNullOrEmpty(db.Image) ? db.Image : kind == "mysql" ? "mysql:8.0" : "postgres:15-alpine";

    public static V1Secret DatabaseSecret(Names names, Database db)
    {
        var values = new Dictionary<string, string>(db.Secrets);
        // The mysql image does not start without a root password; 0.2.0 gave it the user's password.
        if (DatabaseKind(db) == "mysql" && !values.ContainsKey("MYSQL_ROOT_PASSWORD") && values.TryGetValue("MYSQL_PASSWORD", out var password))
            values["MYSQL_ROOT_PASSWORD"] = password;
        return Secret(names, names.DatabaseSecret, values);
    }

    /// <summary>
    /// The database StatefulSet: data on the mounted server volume (hostPath) or, without a mount,
    /// on a 10Gi PVC from the <c>data</c> claim template (PVC <c>data-db-A-0</c>).
    /// </summary>
    public static V1StatefulSet DatabaseStatefulSet(Names names, Database db, string kind)
    {
        var defaultPath = kind == "mysql" ? "/var/lib/mysql" : "/var/lib/postgresql/data";
        var mount = db.Mount.FirstOrDefault();
        var dataPath = string.IsNullOrEmpty(mount.Value) ? defaultPath : mount.Value;
        var container = new V1Container
        {
            Name = kind,
            Image = DatabaseImage(db, kind),
            Ports = [new V1ContainerPort { ContainerPort = DatabasePort(kind), Name = kind }],
            Env = kind == "postgres" ? [new V1EnvVar { Name = "PGDATA", Value = dataPath.TrimEnd('/') + "/pgdata" }] : null,
            EnvFrom = [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = names.DatabaseSecret } }],
            VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = dataPath }],
        };
        var spec = new V1StatefulSetSpec
        {
            ServiceName = names.Database,
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ClusterLabels.App] = names.Database } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = ClusterLabels.ForPods(names.App, names.Database) },
                Spec = new V1PodSpec { Affinity = Affinity(db.Servers), Containers = [container] },
            },
        };
        if (mount.Key is not null && db.Servers.Count > 0)
            spec.Template.Spec.Volumes = [HostPathVolume("data", names.ServerVolumeHostPath(db.Servers[0], mount.Key))];
        else
            spec.VolumeClaimTemplates =
            [
                new V1PersistentVolumeClaim
                {
                    Metadata = new V1ObjectMeta { Name = "data", Labels = ClusterLabels.Common(names.App) },
                    Spec = new V1PersistentVolumeClaimSpec
                    {
                        AccessModes = ["ReadWriteOnce"],
                        Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("10Gi") } },
                    },
                },
            ];
        return new V1StatefulSet { ApiVersion = "apps/v1", Kind = "StatefulSet", Metadata = ClusterLabels.Meta(names.App, names.Database), Spec = spec };
    }

    /// <summary>The headless Service <c>db-A</c> in front of the StatefulSet.</summary>
    public static V1Service DatabaseService(Names names, string kind) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = ClusterLabels.Meta(names.App, names.Database),
        Spec = new V1ServiceSpec
        {
            ClusterIP = "None",
            Selector = new Dictionary<string, string> { [ClusterLabels.App] = names.Database },
            Ports = [new V1ServicePort { Name = kind, Port = DatabasePort(kind), TargetPort = DatabasePort(kind), Protocol = "TCP" }],
        },
    };

    /// <summary>An extra service's env lives in Secret <c>A-S-secret</c> (0.2.0's name).</summary>
    public static V1Secret ExtraSecret(Names names, string service, ExtraService svc) =>
        Secret(names, $"{names.ExtraService(service)}-secret", svc.Env);

    public static V1Deployment ExtraDeployment(Names names, string service, ExtraService svc)
    {
        var name = names.ExtraService(service);
        var mount = svc.Mount.FirstOrDefault();
        var container = new V1Container
        {
            Name = "service",
            Image = svc.Image,
            Command = SplitCommand(svc.Command),
            Ports = svc.Port is > 0 ? [new V1ContainerPort { ContainerPort = svc.Port.Value }] : null,
            EnvFrom = [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = $"{name}-secret" } }],
            VolumeMounts = mount.Key is null ? null : [new V1VolumeMount { Name = "data", MountPath = mount.Value }],
        };
        var pod = new V1PodSpec { Affinity = Affinity(svc.Servers), Containers = [container] };
        if (mount.Key is not null)
            pod.Volumes = svc.Servers.Count > 0
                ? [HostPathVolume("data", names.ServerVolumeHostPath(svc.Servers[0], mount.Key))]
                : [new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }];
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = ClusterLabels.Meta(names.App, name),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                // One pod on a host volume: never run two side by side.
                Strategy = new V1DeploymentStrategy { Type = mount.Key is null ? "RollingUpdate" : "Recreate" },
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [ClusterLabels.App] = name } },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = ClusterLabels.ForPods(names.App, name) }, Spec = pod },
            },
        };
    }

    public static V1Service ExtraServiceObject(Names names, string service, ExtraService svc) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = ClusterLabels.Meta(names.App, names.ExtraService(service)),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = new Dictionary<string, string> { [ClusterLabels.App] = names.ExtraService(service) },
            Ports = [new V1ServicePort { Port = svc.Port!.Value, TargetPort = svc.Port.Value, Protocol = "TCP" }],
        },
    };
}
