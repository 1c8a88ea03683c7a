using k8s;
using k8s.Models;
using Nvoi.Cluster;
using Nvoi.Configuration;

namespace Nvoi.Cluster.Tests;

public class ManifestSemanticTests
{
    public static TheoryData<string> ExampleNames => new(Examples.All.Keys);

    private static IEnumerable<(string Owner, V1PodTemplateSpec Template)> PodTemplates(ClusterManifests m) =>
        m.All.SelectMany<IKubernetesObject<V1ObjectMeta>, (string, V1PodTemplateSpec)>(o => o switch
        {
            V1Deployment d => [(d.Metadata.Name, d.Spec.Template)],
            V1StatefulSet s => [(s.Metadata.Name, s.Spec.Template)],
            V1Job j => [(j.Metadata.Name, j.Spec.Template)],
            _ => [],
        });

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void No_secret_value_appears_in_any_pod_spec(string example)
    {
        var inputs = Examples.Inputs(Examples.All[example]());
        var manifests = ManifestBuilder.Build(inputs);
        // The values that must never leak: config secrets, database passwords and URL, tunnel tokens, every service env.
        var secretValues = inputs.Config.Secrets.Values
            .Concat(inputs.Config.Database?.Secrets.Where(p => p.Key.Contains("PASSWORD")).Select(p => p.Value) ?? [])
            .Concat(inputs.AppEnv.Where(p => p.Key == "DATABASE_URL").Select(p => p.Value))
            .Concat(inputs.TunnelTokens.Values).Distinct().ToList();
        Assert.NotEmpty(secretValues);
        foreach (var (owner, template) in PodTemplates(manifests))
        {
            var json = KubernetesJson.Serialize(template);
            foreach (var value in secretValues) Assert.False(json.Contains(value), $"{owner}: a secret value is in the pod spec");
            foreach (var container in template.Spec.Containers)
                Assert.All(container.Env ?? [], e => Assert.True(e.Value is null || e.Name == "PGDATA" || e.Name == "REGISTRY_HTTP_ADDR", $"{owner}: {e.Name} has a literal value"));
        }
    }

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void Every_object_and_pod_carries_the_managed_labels(string example)
    {
        var app = Examples.All[example]();
        var manifests = ManifestBuilder.Build(Examples.Inputs(app));
        foreach (var o in manifests.All)
        {
            Assert.Equal("nvoi", o.Metadata.Labels[ClusterLabels.ManagedBy]);
            Assert.Equal(app.Name, o.Metadata.Labels[ClusterLabels.Instance]);
            Assert.Equal("default", o.Metadata.NamespaceProperty);
        }
        foreach (var (owner, t) in PodTemplates(manifests))
        {
            Assert.Equal("nvoi", t.Metadata.Labels[ClusterLabels.ManagedBy]);
            Assert.True(t.Metadata.Labels.ContainsKey("app"), owner);
        }
    }

    private static IList<string>? AffinityGroups(V1PodTemplateSpec t) =>
        t.Spec.Affinity?.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms.Single().MatchExpressions
            .Single(e => e.Key == Names.NodeLabel && e.OperatorProperty == "In").Values;

    [Fact]
    public void Affinity_follows_each_workloads_server_groups()
    {
        var manifests = ManifestBuilder.Build(Examples.Inputs(Examples.Cluster()));
        var templates = PodTemplates(manifests).ToDictionary(p => p.Owner, p => p.Template);
        Assert.Equal(["workers"], AffinityGroups(templates["shop-web"]));
        Assert.Equal(["master", "workers"], AffinityGroups(templates["shop-jobs"]));
        Assert.Equal(["master"], AffinityGroups(templates["db-shop"]));
        Assert.Equal(["master"], AffinityGroups(templates["shop-redis"]));
        Assert.Equal(["master"], AffinityGroups(templates["nvoi-registry"]));
    }

    [Fact]
    public void Web_services_get_two_replicas_rolling_without_unavailability_and_workers_one()
    {
        var manifests = ManifestBuilder.Build(Examples.Inputs(Examples.Cluster()));
        var deployments = manifests.Apps.OfType<V1Deployment>().ToDictionary(d => d.Metadata.Name);
        Assert.Equal(2, deployments["shop-web"].Spec.Replicas);
        Assert.Equal(1, deployments["shop-jobs"].Spec.Replicas);
        var rolling = deployments["shop-web"].Spec.Strategy.RollingUpdate;
        Assert.Equal("1", rolling.MaxSurge.Value);
        Assert.Equal("0", rolling.MaxUnavailable.Value);
        var web = deployments["shop-web"].Spec.Template.Spec.Containers.Single();
        Assert.NotNull(web.ReadinessProbe.TcpSocket);
        Assert.NotNull(deployments["shop-jobs"].Spec.Template.Spec.Containers.Single().LivenessProbe.Exec);
        Assert.Equal("500m", web.Resources.Limits["cpu"].ToString());
        Assert.Equal("128Mi", web.Resources.Requests["memory"].ToString());
    }

    [Fact]
    public void Apex_ingress_routes_the_domain_and_its_wildcard_through_traefik()
    {
        var ingress = ManifestBuilder.Build(Examples.Inputs(Examples.Apex())).Apps.OfType<V1Ingress>().Single();
        Assert.Equal("traefik", ingress.Spec.IngressClassName);
        Assert.Equal(["example.com", "*.example.com"], ingress.Spec.Rules.Select(r => r.Host));
        Assert.Contains("nvoi-error-pages", ingress.Metadata.Annotations.Values.Single());
    }

    [Fact]
    public void Postgres_without_a_mount_claims_a_10Gi_volume_and_with_a_mount_uses_the_server_volume()
    {
        var pvc = ManifestBuilder.Build(Examples.Inputs(Examples.Cluster())).Database.OfType<V1StatefulSet>().Single();
        var claim = Assert.Single(pvc.Spec.VolumeClaimTemplates);
        Assert.Equal("data", claim.Metadata.Name);
        Assert.Equal("10Gi", claim.Spec.Resources.Requests["storage"].ToString());

        var host = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres())).Database.OfType<V1StatefulSet>().Single();
        Assert.Null(host.Spec.VolumeClaimTemplates);
        Assert.Equal("/opt/nvoi/volumes/shop-master-pgdata", host.Spec.Template.Spec.Volumes.Single().HostPath.Path);
    }

    [Fact]
    public void Sqlite_is_a_host_mount_shared_with_the_app_and_no_database_workload()
    {
        var m = ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite()));
        Assert.Empty(m.Database);
        var pod = m.Apps.OfType<V1Deployment>().Single().Spec.Template.Spec;
        Assert.Equal(["/opt/nvoi/volumes/notes-master-uploads", "/opt/nvoi/volumes/notes-master-db"], pod.Volumes.Select(v => v.HostPath.Path));
        Assert.Equal(["/app/uploads", "/app/db"], pod.Containers.Single().VolumeMounts.Select(v => v.MountPath));
    }

    [Fact]
    public void Cloudflared_reads_its_token_from_a_secret()
    {
        var m = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()));
        var cloudflared = m.Tunnels.OfType<V1Deployment>().Single();
        Assert.Equal("cloudflared-web", cloudflared.Metadata.Name);
        var env = cloudflared.Spec.Template.Spec.Containers.Single().Env.Single();
        Assert.Equal(("TUNNEL_TOKEN", "cloudflared-web", "token"), (env.Name, env.ValueFrom.SecretKeyRef.Name, env.ValueFrom.SecretKeyRef.Key));
        Assert.DoesNotContain(cloudflared.Spec.Template.Spec.Containers.Single().Args, a => a.Contains("tunnel-token"));
    }

    [Fact]
    public void A_service_with_mounts_on_two_groups_is_refused()
    {
        var app = Examples.Cluster();
        app.App["jobs"].Mounts["redis_data"] = "/data";
        var e = Assert.Throws<NvoiException>(() => ManifestBuilder.Build(Examples.Inputs(app)));
        Assert.Contains("application.app.jobs", e.Message);
    }

    [Theory]
    [InlineData("10s", 10)] [InlineData("2m", 120)] [InlineData("500ms", 1)] [InlineData("7", 7)] [InlineData(null, 4)]
    public void Durations_parse_to_seconds(string? value, int expected) => Assert.Equal(expected, ManifestBuilder.Seconds(value, 4));
}

public class ManifestInputErrorTests
{
    [Fact]
    public void An_unknown_database_adapter_is_named()
    {
        var app = Examples.Apex();
        app.Database!.Adapter = "oracle";
        var e = Assert.Throws<NvoiException>(() => ManifestBuilder.Build(Examples.Inputs(app)));
        Assert.Equal("application.database.adapter 'oracle' is not postgres, mysql or sqlite3", e.Message);
    }

    [Fact]
    public void An_external_database_url_means_no_database_workload()
    {
        var app = Examples.Apex();
        app.Database!.Url = "mysql://u:p@db.example.com/site";
        var m = ManifestBuilder.Build(Examples.Inputs(app));
        Assert.Empty(m.Database);
        Assert.DoesNotContain(m.Secrets, s => s.Metadata.Name == "db-secret-site");
    }

    [Fact]
    public void An_extra_service_without_image_is_named()
    {
        var app = Examples.Cluster();
        app.Services["redis"].Image = null;
        Assert.Equal("application.services.redis.image is missing", Assert.Throws<NvoiException>(() => ManifestBuilder.Build(Examples.Inputs(app))).Message);
    }
}

public class PreRunJobNameTests
{
    [Theory]
    [InlineData("localhost:30500/nvoi-shop:20260101120000", "shop-web-pre-run-20260101120000")]
    [InlineData("localhost:30500/nvoi-shop", "shop-web-pre-run-")]
    [InlineData("registry.example.com/Shop:V1_2", "shop-web-pre-run-v1-2")]
    public void The_job_is_named_after_the_image_tag_as_a_dns_label(string image, string expected)
    {
        var app = Examples.SinglePostgres();
        var job = ManifestBuilder.Build(Examples.Inputs(app) with { Image = image }).PreRunJobs.Single();
        Assert.StartsWith(expected, job.Metadata.Name);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", job.Metadata.Name);
        Assert.True(job.Metadata.Name.Length <= 63);
    }
}
