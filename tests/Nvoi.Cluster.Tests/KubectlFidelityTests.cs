using System.Text.Json.Nodes;
using k8s;
using Nvoi.Cluster;

namespace Nvoi.Cluster.Tests;

/// <summary>The real kubectl drives the emulator: if kubectl accepts what the emulator says, so would the cluster's clients.</summary>
public class KubectlFidelityTests
{
    private static string WriteManifests(string dir, ClusterManifests m)
    {
        var path = Path.Combine(dir, "manifests");
        Directory.CreateDirectory(path);
        var i = 0;
        foreach (var o in m.All) File.WriteAllText(Path.Combine(path, $"{++i:00}-{o.Kind}-{o.Metadata.Name}.yaml"), KubernetesYaml.Serialize(o));
        return path;
    }

    [Fact]
    public async Task Kubectl_applies_every_generated_manifest_server_side_and_reads_them_back()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var kubectl = new Kubectl(k.Host.BaseUrl);
        foreach (var (name, example) in Examples.All)
        {
            var m = ManifestBuilder.Build(Examples.Inputs(example()));
            var output = await kubectl.OkAsync("apply", "--server-side", "--validate=false", "-f", WriteManifests(Path.Combine(kubectl.Dir, name), m));
            foreach (var o in m.All) Assert.Contains($"{o.Metadata.Name} serverside-applied", output);
        }

        var list = JsonNode.Parse(await kubectl.OkAsync("get", "deployments", "-o", "json"))!;
        var web = list["items"]!.AsArray().Single(d => d!["metadata"]!["name"]!.ToString() == "shop-web")!;
        // kubectl hides managedFields since 1.21: read them through the client.
        var owners = (await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default")).Metadata.ManagedFields;
        Assert.Equal(("kubectl", "Apply"), (owners.Single().Manager, owners.Single().Operation));
        Assert.Equal(2, web["status"]!["availableReplicas"]!.GetValue<int>());

        var secret = JsonNode.Parse(await kubectl.OkAsync("get", "secret", "app-secret-shop", "-o", "json"))!;
        Assert.Equal("production", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]!["DEPLOY_ENV"]!.ToString())));
        var middleware = JsonNode.Parse(await kubectl.OkAsync("get", "middlewares.traefik.io", "nvoi-error-pages", "-o", "json"))!;
        Assert.Equal("502-504", middleware["spec"]!["errors"]!["status"]![0]!.ToString());
    }

    [Fact]
    public async Task Kubectl_rollout_status_logs_and_delete_work_on_what_nvoi_applied()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var kubectl = new Kubectl(k.Host.BaseUrl);
        var m = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()));
        await k.Applier.ApplyAllAsync(m.All);

        Assert.Contains("successfully rolled out", await kubectl.OkAsync("rollout", "status", "deployment/shop-web", "--timeout=60s"));
        // Default (table) output: the emulator answers lists, kubectl prints them itself.
        var table = await kubectl.OkAsync("get", "pods", "-l", "app=shop-web");
        Assert.StartsWith("NAME", table);
        Assert.Equal(3, table.Trim().Split('\n').Length);
        // With the API's default rollingUpdate.partition (0) kubectl reports a "partitioned" rollout.
        Assert.Matches("(partitioned roll out|rolling update) complete: 1 ", await kubectl.OkAsync("rollout", "status", "statefulset/db-shop", "--timeout=60s"));

        var pods = (await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=shop-web")).Items.Select(p => p.Metadata.Name).ToList();
        foreach (var pod in pods) k.Emulator.AppendLog("default", pod, $"hello from {pod}");
        var logs = await kubectl.OkAsync("logs", "-l", "app=shop-web", "--prefix", "--tail=5");
        foreach (var pod in pods) Assert.Contains($"[pod/{pod}/app] hello from {pod}", logs);

        await kubectl.OkAsync("delete", "deployment", "shop-web");
        var (exit, _, error) = await kubectl.RunAsync("get", "deployment", "shop-web", "-o", "json");
        Assert.NotEqual(0, exit);
        Assert.Contains("NotFound", error);
        Assert.Empty((await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=shop-web")).Items);
    }

    [Fact]
    public async Task Kubectl_logs_previous_since_and_timestamps_read_what_the_emulator_kept()
    {
        await using var k = await KubeSandbox.StartAsync(new() { ["kubernetes.crashloop_images"] = "crash:1" });
        using var kubectl = new Kubectl(k.Host.BaseUrl);
        await k.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("crashing", "crash:1"), "default");
        await k.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("healthy", "ok:1"), "default");
        var crashing = (await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=crashing")).Items.Single().Metadata.Name;
        var healthy = (await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=healthy")).Items.Single().Metadata.Name;

        Assert.Contains("Error: the process exited with status 1", await kubectl.OkAsync("logs", crashing, "--previous"));
        var (exit, _, error) = await kubectl.RunAsync("logs", healthy, "--previous");
        Assert.NotEqual(0, exit);
        Assert.Contains($"previous terminated container \"app\" in pod \"{healthy}\" not found", error);

        var stamped = (await kubectl.OkAsync("logs", healthy, "--timestamps")).Trim().Split('\n');
        Assert.All(stamped, l => Assert.StartsWith("2026-01-01T12:00:00.000000000Z [sandbox] app ", l));

        k.Time.Advance(TimeSpan.FromHours(2));
        k.Emulator.AppendLog("default", healthy, "two hours later");
        Assert.Equal("two hours later\n", await kubectl.OkAsync("logs", healthy, "--since=1h"));
        var all = await kubectl.OkAsync("logs", healthy, "--since=3h");
        Assert.Equal(stamped.Length + 1, all.Trim().Split('\n').Length);
    }

    [Fact]
    public async Task Kubectl_run_attaches_its_input_to_a_one_off_pod_and_returns_its_exit_code()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var kubectl = new Kubectl(k.Host.BaseUrl);
        var (exit, output, error) = await kubectl.RunWithInputAsync("line one\nline two\n",
            "run", "cat-once", "--image=busybox:1", "--restart=Never", "-i", "--rm", "--command", "--", "cat");
        Assert.True(exit == 0, error);
        Assert.Contains("line one\nline two\n", output);
        Assert.DoesNotContain("falling back", error); // attached (over a WebSocket), not read from the log
        Assert.DoesNotContain("upgrade", error);
        Assert.DoesNotContain((await k.Client.CoreV1.ListNamespacedPodAsync("default")).Items, p => p.Metadata.Name == "cat-once");

        var (failed, _, _) = await kubectl.RunWithInputAsync("", "run", "exit-three", "--image=busybox:1", "--restart=Never", "-i", "--command", "--", "sh", "-c", "exit 3");
        Assert.Equal(3, failed);
        var pod = await k.Client.CoreV1.ReadNamespacedPodAsync("exit-three", "default");
        Assert.Equal(("Failed", 3), (pod.Status.Phase, pod.Status.ContainerStatuses[0].State.Terminated.ExitCode));
    }

    private static k8s.Models.V1Deployment Deployment(string name, string image) => new()
    {
        Metadata = new() { Name = name },
        Spec = new()
        {
            Replicas = 1,
            Selector = new() { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new()
            {
                Metadata = new() { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new() { Containers = [new() { Name = "app", Image = image }] },
            },
        },
    };

    [Fact]
    public async Task A_second_manager_applying_a_field_nvoi_owns_conflicts_until_it_forces()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var kubectl = new Kubectl(k.Host.BaseUrl);
        var m = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()));
        await k.Applier.ApplyAllAsync(m.All);

        var path = Path.Combine(kubectl.Dir, "scale.yaml");
        File.WriteAllText(path, """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: shop-web
              namespace: default
            spec:
              replicas: 4
            """);
        var (exit, output, error) = await kubectl.RunAsync("apply", "--server-side", "--validate=false", "--field-manager=ops", "-f", path);
        Assert.NotEqual(0, exit);
        Assert.Contains("conflict", error + output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("nvoi", error + output);
        Assert.Contains(".spec.replicas", error + output);

        await kubectl.OkAsync("apply", "--server-side", "--validate=false", "--field-manager=ops", "--force-conflicts", "-f", path);
        var d = JsonNode.Parse(await kubectl.OkAsync("get", "deployment", "shop-web", "-o", "json"))!;
        Assert.Equal(4, d["spec"]!["replicas"]!.GetValue<int>());
        var owners = (await k.Client.AppsV1.ReadNamespacedDeploymentAsync("shop-web", "default")).Metadata.ManagedFields;
        Assert.Contains(owners, f => f.Manager == "ops" && f.FieldsV1.ToString()!.Contains("f:replicas"));
        Assert.DoesNotContain(owners, f => f.Manager == "nvoi" && f.FieldsV1.ToString()!.Contains("f:replicas"));
    }
}

public class KubectlValidationTests
{
    [Fact]
    public async Task Kubectl_with_openapi_v3_applies_without_turning_validation_off()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var kubectl = new Kubectl(k.Host.BaseUrl);
        var version = JsonNode.Parse(await kubectl.OkAsync("version", "--client", "-o", "json"))!["clientVersion"]!;
        var minor = int.Parse(new string(version["minor"]!.ToString().TakeWhile(char.IsDigit).ToArray()));
        var path = Path.Combine(kubectl.Dir, "cm.yaml");
        File.WriteAllText(path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n");
        var (exit, output, error) = await kubectl.RunAsync("apply", "--server-side", "-f", path);
        if (minor >= 27)
        {
            // kubectl reads /openapi/v3, sees the server validates fields, and sends fieldValidation=Strict.
            Assert.True(exit == 0, error);
            Assert.Contains("configmap/c serverside-applied", output);
        }
        else
        {
            // Older kubectl validates on the client with /openapi/v2 (protobuf), which the emulator does not serve.
            Assert.NotEqual(0, exit);
            Assert.Contains("the server could not find the requested resource", error);
        }
    }
}
