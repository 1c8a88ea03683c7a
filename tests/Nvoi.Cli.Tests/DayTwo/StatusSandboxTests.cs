using System.Text.Json;
using Json.Schema;
using Nvoi.Cli.Tests.Deploy;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Hosts;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Tests.DayTwo;

/// <summary>`nvoi status` on a deployed cluster whose second deploy brought a crash-looping image.</summary>
public class StatusSandboxTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(SandboxProject.RepoRoot(), "docs", "schema", "status.schema.json"))));

    [Fact]
    public async Task Status_of_a_crash_looping_app_shows_restarts_last_failure_nodes_tunnels_the_lock_and_the_deploy_history()
    {
        using var project = new SandboxProject("hetzner-cluster");
        var ok = await project.DeployAsync("--plain");
        Assert.True(ok.ExitCode == 0, ok.Err);
        var first = await StatusAsync(project);
        var firstTag = Workload(first, "saas-web").GetProperty("tag").GetString()!;
        Assert.Matches("^[0-9]{14}$", firstTag);
        Assert.Equal(0, Workload(first, "saas-web").GetProperty("restarts").GetInt32());
        Assert.False(Workload(first, "saas-web").TryGetProperty("last_failure", out _));

        // A second deploy of a new image that crash-loops: the rollout fails.
        File.WriteAllText(project.Run.PathOf("index.html"), "<h1>version 2</h1>");
        var crashing = new SandboxSettings { Emulator = new Dictionary<string, string> { ["kubernetes.crashloop_images"] = "localhost:30500/nvoi-saas" } };
        await Assert.ThrowsAsync<RolloutFailedException>(() => EngineHarness.DeployAsync(project, settings: crashing, holder: new Nvoi.Operations.Deploy.LockProcess("alice@laptop", "", "", 42)));
        // A lock someone holds.
        var since = DateTimeOffset.UtcNow.AddMinutes(-3);
        await using (var world = await SandboxInspector.OpenAsync(project))
        {
            var master = (await world.Cloud.FindServerAsync("saas-master-1", default))!;
            await ServerSetup.AcquireDeployLockAsync(world.Host(master), new Names("saas").DeployLockPath,
                new LockInfo("bob@ci (pid 7)", since, "9.9.9"), ServerSetup.DefaultLockStaleAfter, default);
        }

        var status = await StatusAsync(project);
        var web = Workload(status, "saas-web");
        Assert.Equal("app", web.GetProperty("kind").GetString());
        Assert.Equal("web", web.GetProperty("service").GetString());
        var newTag = web.GetProperty("tag").GetString()!;
        Assert.True(string.CompareOrdinal(newTag, firstTag) > 0, $"{newTag} after {firstTag}");
        Assert.True(web.GetProperty("restarts").GetInt32() >= 3);
        var failure = web.GetProperty("last_failure");
        Assert.Equal("CrashLoopBackOff", failure.GetProperty("reason").GetString());
        Assert.Equal(1, failure.GetProperty("exit_code").GetInt32());
        Assert.Equal("Error", failure.GetProperty("exit_reason").GetString());
        Assert.StartsWith("saas-web-", failure.GetProperty("pod").GetString());
        Assert.Equal(2, web.GetProperty("desired").GetInt32());
        Assert.True(web.GetProperty("ready").GetInt32() < web.GetProperty("pods").GetArrayLength(), "crash-looping pods are not ready");

        var db = Workload(status, "db-saas");
        Assert.Equal("database", db.GetProperty("kind").GetString());
        Assert.Equal("16-alpine", db.GetProperty("tag").GetString());
        Assert.Equal(1, db.GetProperty("ready").GetInt32());
        Assert.Equal("service", Workload(status, "saas-redis").GetProperty("kind").GetString());
        Assert.Equal("tunnel", Workload(status, "cloudflared-web").GetProperty("kind").GetString());

        var nodes = status.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["saas-master-1", "saas-workers-1", "saas-workers-2"], nodes.Select(n => n.GetProperty("name").GetString()));
        Assert.All(nodes, n => Assert.True(n.GetProperty("ready").GetBoolean() && n.GetProperty("exists").GetBoolean()));

        var tunnel = Assert.Single(status.GetProperty("tunnels").EnumerateArray());
        Assert.Equal("web", tunnel.GetProperty("service").GetString());
        var dns = Assert.Single(tunnel.GetProperty("dns").EnumerateArray());
        Assert.Equal("app.example.com", dns.GetProperty("hostname").GetString());
        Assert.True(dns.GetProperty("points_at_tunnel").GetBoolean());

        Assert.Equal("bob@ci (pid 7)", status.GetProperty("lock").GetProperty("holder").GetString());

        var deploys = status.GetProperty("deploys").EnumerateArray().ToList();
        Assert.Equal(2, deploys.Count);
        Assert.Equal("failed", deploys[0].GetProperty("result").GetString());
        Assert.Equal("alice@laptop", deploys[0].GetProperty("who").GetString());
        Assert.Equal(newTag, deploys[0].GetProperty("tag").GetString());
        Assert.Contains("CrashLoopBackOff", deploys[0].GetProperty("error").GetString());
        Assert.Equal("succeeded", deploys[1].GetProperty("result").GetString());
        Assert.Equal(firstTag, deploys[1].GetProperty("tag").GetString());
        Assert.Equal(DeployHistory.Who(Nvoi.Operations.Deploy.LockProcess.Current().Holder), deploys[1].GetProperty("who").GetString());

        // The same in text.
        var text = await project.NvoiAsync("status");
        Assert.True(text.ExitCode == 0, text.Err);
        Assert.Matches(@"\n  web +app +[0-9]{14} +[0-9]/2 +[1-9][0-9]* +CrashLoopBackOff \(saas-web-\S+, last exit 1 Error", text.Out);
        Assert.Contains("LOCK  held by bob@ci (pid 7)", text.Out);
        Assert.Contains("nvoi 9.9.9", text.Out);
        Assert.Matches($@"alice@laptop +{newTag} +failed: ", text.Out);
        Assert.Matches($@" +{firstTag} +succeeded", text.Out);
        Assert.Contains("app.example.com", text.Out);
        Assert.DoesNotContain("SECRET_KEY_BASE", text.Out);

        // What the crashed containers printed before they died.
        var previous = await project.NvoiAsync("logs", "web", "--previous");
        Assert.True(previous.ExitCode == 0, previous.Err);
        Assert.Matches(@"\[saas-web-\S+\] Error: the process exited with status 1", previous.Out);
    }

    [Fact]
    public async Task Status_before_any_deploy_says_nothing_is_deployed()
    {
        using var project = new SandboxProject("hetzner-cluster");
        var result = await project.NvoiAsync("status");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nothing is deployed for saas", result.Err);
    }

    private static async Task<JsonElement> StatusAsync(SandboxProject project)
    {
        var result = await project.NvoiAsync("status", "--json");
        Assert.True(result.ExitCode == 0, result.Err);
        using var doc = JsonDocument.Parse(result.Out);
        var evaluation = Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(evaluation.IsValid, string.Join("\n", (evaluation.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}")));
        return doc.RootElement.Clone();
    }

    private static JsonElement Workload(JsonElement status, string name) =>
        status.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("name").GetString() == name);
}
