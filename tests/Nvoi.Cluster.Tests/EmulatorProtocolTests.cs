using k8s;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Nvoi.Cluster.Tests;

/// <summary>The emulator's wire behaviour, checked with plain HTTP.</summary>
public class EmulatorProtocolTests
{
    private static StringContent Json(string json, string type = "application/json") => new(json, Encoding.UTF8, type);

    private const string Cm = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"team":"a"}},"data":{"k":"v"}}""";

    [Fact]
    public async Task Errors_are_status_objects_with_the_real_reasons()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = k.Host.BaseUrl };
        var missing = await http.GetAsync("/api/v1/namespaces/default/configmaps/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var status = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
        Assert.Equal(("Status", "NotFound", 404), (status["kind"]!.ToString(), status["reason"]!.ToString(), status["code"]!.GetValue<int>()));
        Assert.Equal("configmaps \"nope\" not found", status["message"]!.ToString());

        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(Cm))).StatusCode);
        var again = await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(Cm));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("AlreadyExists", JsonNode.Parse(await again.Content.ReadAsStringAsync())!["reason"]!.ToString());

        var stale = Cm.Replace("\"name\":\"c\"", "\"name\":\"c\",\"resourceVersion\":\"1\"");
        var put = await http.PutAsync("/api/v1/namespaces/default/configmaps/c", Json(stale));
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);

        var noManager = await http.PatchAsync("/api/v1/namespaces/default/configmaps/c", Json(Cm, "application/apply-patch+yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, noManager.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/apis/apps/v1/namespaces/default/widgets")).StatusCode);
    }

    [Fact]
    public async Task Discovery_lists_groups_and_resources()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = k.Host.BaseUrl };
        var groups = JsonNode.Parse(await http.GetStringAsync("/apis"))!["groups"]!.AsArray().Select(g => g!["name"]!.ToString()).ToList();
        Assert.Equal(["apps", "batch", "networking.k8s.io", "traefik.io", "rbac.authorization.k8s.io", "admissionregistration.k8s.io"], groups);
        var core = JsonNode.Parse(await http.GetStringAsync("/api/v1"))!["resources"]!.AsArray().Select(r => r!["name"]!.ToString()).ToList();
        Assert.Contains("pods/log", core);
        Assert.Contains("secrets", core);
        Assert.Equal("1", JsonNode.Parse(await http.GetStringAsync("/version"))!["major"]!.ToString());
    }

    [Fact]
    public async Task A_watch_from_a_resource_version_replays_later_changes_and_ends_at_its_timeout()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = k.Host.BaseUrl };
        await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(Cm));
        var list = JsonNode.Parse(await http.GetStringAsync("/api/v1/namespaces/default/configmaps"))!;
        var rv = list["metadata"]!["resourceVersion"]!.ToString();
        await http.PatchAsync("/api/v1/namespaces/default/configmaps/c", Json("""{"data":{"k":"w"}}""", "application/merge-patch+json"));
        await http.DeleteAsync("/api/v1/namespaces/default/configmaps/c");

        using var response = await http.GetAsync($"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={rv}&timeoutSeconds=30", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var modified = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal(("MODIFIED", "w"), (modified["type"]!.ToString(), modified["object"]!["data"]!["k"]!.ToString()));
        Assert.Equal("DELETED", JsonNode.Parse((await reader.ReadLineAsync())!)!["type"]!.ToString());

        var end = reader.ReadLineAsync();
        Assert.False(end.IsCompleted);
        k.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(await end.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_watch_from_a_version_older_than_the_history_gets_an_Expired_error_event()
    {
        // A restarted API server keeps no history (as a fresh watch cache): versions before the restart are too old.
        var dir = Directory.CreateTempSubdirectory("nvoi-kube-state");
        try
        {
            string old;
            await using (var first = await KubeSandbox.StartAsync(stateDirectory: dir.FullName))
            {
                using var http1 = new HttpClient { BaseAddress = first.Host.BaseUrl };
                var created = JsonNode.Parse(await (await http1.PostAsync("/api/v1/namespaces/default/configmaps", Json(Cm))).Content.ReadAsStringAsync())!;
                old = created["metadata"]!["resourceVersion"]!.ToString();
                await http1.PatchAsync("/api/v1/namespaces/default/configmaps/c", Json("""{"data":{"k":"w"}}""", "application/merge-patch+json"));
            }
            await using var k = await KubeSandbox.StartAsync(stateDirectory: dir.FullName);
            using var http = new HttpClient { BaseAddress = k.Host.BaseUrl };

            // As the real server (its watch cache): 200, then a single ERROR event with a 410 Expired Status, then the end.
            using var response = await http.GetAsync($"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={old}", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var error = JsonNode.Parse((await reader.ReadLineAsync())!)!;
            Assert.Equal("ERROR", error["type"]!.ToString());
            Assert.Equal(("Status", "Expired", 410), (error["object"]!["kind"]!.ToString(), error["object"]!["reason"]!.ToString(), error["object"]!["code"]!.GetValue<int>()));
            Assert.StartsWith($"too old resource version: {old} (", error["object"]!["message"]!.ToString());
            Assert.Null(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));

            // The client library hands that event to onError as a KubernetesException and ends the enumeration.
            var errors = new List<Exception>();
            var events = 0;
            await foreach (var _ in k.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: old, onError: errors.Add))
                events++;
            Assert.Equal(0, events);
            Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(errors)).Status.Code);

            // The object's current version is watchable: the watch stays open, waiting for changes.
            var current = (await k.Client.CoreV1.ReadNamespacedConfigMapAsync("c", "default")).Metadata.ResourceVersion;
            using var live = await http.GetAsync($"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={current}&timeoutSeconds=30", HttpCompletionOption.ResponseHeadersRead);
            using var liveReader = new StreamReader(await live.Content.ReadAsStreamAsync());
            var next = liveReader.ReadLineAsync();
            Assert.False(next.IsCompleted);
            await http.PatchAsync("/api/v1/namespaces/default/configmaps/c", Json("""{"data":{"k":"x"}}""", "application/merge-patch+json"));
            Assert.Equal("MODIFIED", JsonNode.Parse((await next.WaitAsync(TimeSpan.FromSeconds(30)))!)!["type"]!.ToString());
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task A_watch_without_version_starts_with_the_current_objects_filtered_by_label()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = k.Host.BaseUrl };
        await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(Cm));
        await http.PostAsync("/api/v1/namespaces/default/configmaps", Json(Cm.Replace("\"c\"", "\"d\"").Replace("\"a\"", "\"b\"")));
        using var response = await http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&labelSelector=team%3Db", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var added = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal(("ADDED", "d"), (added["type"]!.ToString(), added["object"]!["metadata"]!["name"]!.ToString()));
        await http.PatchAsync("/api/v1/namespaces/default/configmaps/c", Json("""{"data":{"k":"x"}}""", "application/merge-patch+json"));
        await http.PatchAsync("/api/v1/namespaces/default/configmaps/d", Json("""{"data":{"k":"y"}}""", "application/merge-patch+json"));
        var next = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal(("MODIFIED", "d"), (next["type"]!.ToString(), next["object"]!["metadata"]!["name"]!.ToString()));
    }

    [Fact]
    public async Task Deleting_a_deployment_removes_its_replica_sets_and_pods()
    {
        await using var k = await KubeSandbox.StartAsync();
        await k.Applier.ApplyAllAsync(Nvoi.Cluster.ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite())).Apps);
        using var http = new HttpClient { BaseAddress = k.Host.BaseUrl };
        Assert.Equal(2, JsonNode.Parse(await http.GetStringAsync("/api/v1/namespaces/default/pods?labelSelector=app%3Dnotes-web"))!["items"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync("/apis/apps/v1/namespaces/default/deployments/notes-web")).StatusCode);
        Assert.Empty(JsonNode.Parse(await http.GetStringAsync("/apis/apps/v1/namespaces/default/replicasets"))!["items"]!.AsArray());
        Assert.Empty(JsonNode.Parse(await http.GetStringAsync("/api/v1/namespaces/default/pods?labelSelector=app%3Dnotes-web"))!["items"]!.AsArray());
    }
}

public class EmulatorValidationTests
{
    [Fact]
    public async Task Names_the_real_api_rejects_are_rejected_with_422()
    {
        await using var k = await KubeSandbox.StartAsync();
        using var http = new HttpClient { BaseAddress = k.Host.BaseUrl };
        var body = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w"},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"x"}],"volumes":[{"name":"redis_data","emptyDir":{}}]}}}}""";
        var response = await http.PatchAsync("/apis/apps/v1/namespaces/default/deployments/w?fieldManager=t", new StringContent(body, System.Text.Encoding.UTF8, "application/apply-patch+yaml"));
        Assert.Equal((System.Net.HttpStatusCode)422, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Invalid", status["reason"]!.ToString());
        Assert.StartsWith("Deployment.apps \"w\" is invalid: spec.template.spec.volumes[0].name: Invalid value: \"redis_data\"", status["message"]!.ToString());
        var bad = await http.PostAsync("/api/v1/namespaces/default/configmaps", new StringContent("""{"metadata":{"name":"Bad_Name"}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal((System.Net.HttpStatusCode)422, bad.StatusCode);
    }

    [Fact]
    public async Task A_config_volume_with_an_underscore_becomes_a_valid_pod_volume()
    {
        await using var k = await KubeSandbox.StartAsync();
        var app = Examples.SinglePostgres();
        app.Servers["master"].Volumes["user_uploads"] = new Nvoi.Configuration.ServerVolume();
        app.App["web"].Mounts["user_uploads"] = "/app/uploads";
        var m = Nvoi.Cluster.ManifestBuilder.Build(Examples.Inputs(app));
        await k.Applier.ApplyAllAsync(m.All);
        var d = await k8s.AppsV1OperationsExtensions.ReadNamespacedDeploymentAsync(k.Client.AppsV1, "shop-web", "default");
        var volume = d.Spec.Template.Spec.Volumes.Single();
        Assert.Equal(("user-uploads", "/opt/nvoi/volumes/shop-master-user_uploads"), (volume.Name, volume.HostPath.Path));
    }
}

public class EmulatorImmutabilityTests
{
    [Fact]
    public async Task A_jobs_template_cannot_change_so_a_changed_pre_run_command_makes_a_new_job()
    {
        await using var k = await KubeSandbox.StartAsync();
        var app = Examples.SinglePostgres();
        var job = Nvoi.Cluster.ManifestBuilder.Build(Examples.Inputs(app)).PreRunJobs.Single();
        await k.Applier.ApplyAsync(job);
        await k.Applier.ApplyAsync(job); // the same Job again is fine

        // The emulator refuses a changed template under the same name, as the API server does.
        var edited = Nvoi.Cluster.ManifestBuilder.Build(Examples.Inputs(app)).PreRunJobs.Single();
        edited.Spec.Template.Spec.Containers[0].Command = ["sh", "-c", "bin/rails db:prepare"];
        var e = await Assert.ThrowsAsync<NvoiException>(() => k.Applier.ApplyAsync(edited));
        Assert.StartsWith($"applying job {job.Metadata.Name} failed: Job.batch \"{job.Metadata.Name}\" is invalid: spec.template: Invalid value:", e.Message);
        Assert.EndsWith("field is immutable", e.Message);

        // So nvoi names the Job after its spec: the same image with another command is another Job.
        app.App["web"].PreRunCommand = "bin/rails db:prepare";
        var changed = Nvoi.Cluster.ManifestBuilder.Build(Examples.Inputs(app)).PreRunJobs.Single();
        Assert.NotEqual(job.Metadata.Name, changed.Metadata.Name);
        await k.Applier.ApplyAsync(changed);
    }
}
