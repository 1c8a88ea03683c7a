using k8s;
using Nvoi.Cli.Tests.DayTwo;
using Nvoi.Cluster;
using Nvoi.Configuration;

namespace Nvoi.Cli.Tests.Deploy;

public class MigrationJobTests
{
    [Fact]
    public async Task An_env_var_or_pre_run_command_change_with_the_same_build_context_replaces_the_migration_job()
    {
        using var project = new SandboxProject("hetzner-cluster");
        var first = await project.DeployAsync("--plain");
        Assert.True(first.ExitCode == 0, first.Err);
        var initial = Assert.Single(await PreRunJobsAsync(project));

        // One env var more, the build context unchanged: the image is reused, the Job is replaced.
        project.ConfigText = project.ConfigText.Replace("    REDIS_URL: redis://saas-redis:6379\n", "    REDIS_URL: redis://saas-redis:6379\n    FEATURE_X: \"on\"\n");
        var afterEnv = await AssertReplacedAsync(project, initial);

        // Then the command itself.
        project.ConfigText = project.ConfigText.Replace("pre_run_command: echo migrating", "pre_run_command: echo migrating again");
        var afterCommand = await AssertReplacedAsync(project, afterEnv);

        // And every later deploy of the same config succeeds and changes nothing.
        var again = await project.DeployAsync("--plain");
        Assert.True(again.ExitCode == 0, again.Err + again.Out);
        Assert.Equal([afterCommand], await PreRunJobsAsync(project));
    }

    private static async Task<string> AssertReplacedAsync(SandboxProject project, string previous)
    {
        var changes = (await project.PlanAsync()).Where(a => a.Action != "none").ToList();
        Assert.Contains(("none", "image", "nvoi-saas"), (await project.PlanAsync()).Where(a => a.Kind == "image"));
        Assert.Contains(("delete", "job", previous), changes);
        var created = Assert.Single(changes, c => c is { Action: "create", Kind: "job" }).Name;
        Assert.StartsWith("saas-web-pre-run-", created);

        var deploy = await project.DeployAsync("--plain");
        Assert.True(deploy.ExitCode == 0, deploy.Err + deploy.Out);
        Assert.DoesNotContain("immutable", deploy.All);
        Assert.Equal([created], await PreRunJobsAsync(project));
        var after = (await project.PlanAsync()).Where(a => a.Action != "none").ToList();
        Assert.True(after.Count == 0, $"the plan after the deploy still changes {string.Join(", ", after)}");
        return created;
    }

    private static async Task<IReadOnlyList<string>> PreRunJobsAsync(SandboxProject project)
    {
        var config = SandboxInspector.Config(project);
        await using var world = await SandboxInspector.OpenAsync(project);
        var master = world.HostByName(new Names(config.Application.Name!).Server("master", 1));
        await using var forward = await master.ForwardLocalPortAsync("127.0.0.1", 6443);
        using var client = world.Kubernetes("", forward);
        return (await client.BatchV1.ListNamespacedJobAsync(ClusterLabels.Namespace)).Items.Select(j => j.Metadata.Name).ToList();
    }
}
