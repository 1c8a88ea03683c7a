using System.Text.Json;
using k8s;
using Nvoi.Cluster;
using Nvoi.Configuration;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>replicas, resources and crons end to end: the CLI against the sandbox, the cluster read back through its API.</summary>
public class SizingSandboxTests
{
    private const string Jobs = "    jobs:\n      servers: [master]\n";

    private static async Task<T> WithClientAsync<T>(SandboxProject project, Func<IKubernetes, Task<T>> read)
    {
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        var master = world.HostByName(new Names(config.Application.Name!).Server("master", 1));
        await using var forward = await master.ForwardLocalPortAsync("127.0.0.1", 6443);
        using var client = world.Kubernetes("", forward);
        return await read(client);
    }

    private static async Task<CliResult> DeployOkAsync(SandboxProject project)
    {
        var deploy = await project.DeployAsync("--plain");
        Assert.True(deploy.ExitCode == 0, $"{deploy.Err}\n{deploy.Out}");
        return deploy;
    }

    [Fact]
    public async Task Replicas_and_resources_reach_the_running_pods()
    {
        using var project = new SandboxProject("hetzner-cluster");
        project.ConfigText = project.ConfigText.Replace(Jobs, Jobs + """
                  replicas: 2
                  resources:
                    requests: { cpu: 50m, memory: 64Mi }
                    limits: { memory: 1Gi }

            """.Replace("\n\n", "\n"));
        await DeployOkAsync(project);

        var (replicas, ready, pods) = await WithClientAsync(project, async c =>
        {
            var d = await c.AppsV1.ReadNamespacedDeploymentAsync("saas-jobs", ClusterLabels.Namespace);
            var p = await c.CoreV1.ListNamespacedPodAsync(ClusterLabels.Namespace, labelSelector: "app=saas-jobs");
            return (d.Spec.Replicas, d.Status.ReadyReplicas, p.Items);
        });
        Assert.Equal((2, 2), (replicas, ready));
        Assert.Equal(2, pods.Count(p => p.Status.Phase == "Running"));
        foreach (var pod in pods)
        {
            var r = pod.Spec.Containers[0].Resources;
            Assert.Equal(("50m", "64Mi", "500m", "1Gi"), (r.Requests["cpu"].ToString(), r.Requests["memory"].ToString(), r.Limits["cpu"].ToString(), r.Limits["memory"].ToString()));
        }

        // Back to one replica: the plan names the Deployment, the deploy scales it down.
        project.ConfigText = project.ConfigText.Replace("      replicas: 2\n", "      replicas: 1\n");
        var changes = (await project.PlanAsync()).Where(a => a.Action != "none").ToList();
        Assert.Equal([("update", "deployment", "saas-jobs")], changes.Where(c => c.Kind == "deployment"));
        await DeployOkAsync(project);
        Assert.Equal(1, await WithClientAsync(project, async c =>
            (await c.CoreV1.ListNamespacedPodAsync(ClusterLabels.Namespace, labelSelector: "app=saas-jobs")).Items.Count));
    }

    [Fact]
    public async Task A_cron_is_created_run_changed_removed_and_pruned()
    {
        using var project = new SandboxProject("hetzner-cluster");
        project.ConfigText = project.ConfigText.Replace(Jobs, Jobs + "      crons:\n        cleanup:\n          schedule: \"0 3 * * *\"\n          command: bin/cleanup --older-than 30d\n");
        var first = await DeployOkAsync(project);
        Assert.Equal("0 3 * * *", await ScheduleAsync(project));

        // Created: listed, and run now with its log streamed.
        var list = await project.NvoiAsync("cron", "list", "--json");
        Assert.True(list.ExitCode == 0, list.Err);
        var entry = JsonDocument.Parse(list.Out).RootElement.GetProperty("crons").EnumerateArray().Single();
        Assert.Equal(("cleanup", "jobs", "0 3 * * *", true), (entry.GetProperty("name").GetString(), entry.GetProperty("service").GetString(),
            entry.GetProperty("schedule").GetString(), entry.GetProperty("deployed").GetBoolean()));
        var run = await project.NvoiAsync("cron", "run", "cleanup");
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("[sandbox] running: sh -c bin/cleanup --older-than 30d\n", run.Out);
        Assert.Contains("✓ cron cleanup finished (job saas-cron-cleanup-", run.Out);

        // Changed: schedule and command. The plan shows exactly the CronJob; the run passes on the new command's exit code.
        project.ConfigText = project.ConfigText.Replace("\"0 3 * * *\"", "\"*/30 * * * 1-5\"").Replace("bin/cleanup --older-than 30d", "exit 4");
        var changes = (await project.PlanAsync()).Where(a => a.Action != "none").ToList();
        Assert.Equal([("update", "cronjob", "saas-cron-cleanup")], changes.Where(c => c.Kind is "cronjob" or "deployment" or "secret"));
        await DeployOkAsync(project);
        Assert.Equal("*/30 * * * 1-5", await ScheduleAsync(project));
        var failed = await project.NvoiAsync("cron", "run", "cleanup", "--json");
        Assert.Equal(4, failed.ExitCode);
        var lines = failed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(lines, l => l.TryGetProperty("line", out var t) && t.GetString() == "[sandbox] running: sh -c exit 4");
        Assert.Equal(4, lines[^1].GetProperty("exit_code").GetInt32());

        // Removed: the plan deletes it, the deploy prunes it and its Jobs go with it.
        project.ConfigText = project.ConfigText.Replace("      crons:\n        cleanup:\n          schedule: \"*/30 * * * 1-5\"\n          command: exit 4\n", "");
        Assert.Contains(("delete", "cronjob", "saas-cron-cleanup"), await project.PlanAsync());
        var removed = await DeployOkAsync(project);
        Assert.Contains("CronJob/saas-cron-cleanup", removed.Out);
        Assert.Null(await ScheduleAsync(project));
        Assert.Empty(await WithClientAsync(project, async c =>
            (await c.BatchV1.ListNamespacedJobAsync(ClusterLabels.Namespace, labelSelector: $"{ManifestBuilder.CronLabel}=cleanup")).Items));
        Assert.DoesNotContain(await project.PlanAsync(), a => a.Kind == "cronjob");

        var unknown = await project.NvoiAsync("cron", "run", "cleanup");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no cron named 'cleanup' in the config", unknown.Err);
        Assert.DoesNotContain("CronJob", first.Err);
    }

    private static Task<string?> ScheduleAsync(SandboxProject project) => WithClientAsync(project, async c =>
        (await c.BatchV1.ListNamespacedCronJobAsync(ClusterLabels.Namespace)).Items.SingleOrDefault(j => j.Metadata.Name == "saas-cron-cleanup")?.Spec.Schedule);
}
