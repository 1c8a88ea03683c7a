using System.Text.Json;
using Nvoi.Cli.Tests.Deploy;
using Nvoi.Configuration;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Tests.DayTwo;

/// <summary>`nvoi rollback` and `deploy --rollback-on-failure` on the sandbox, end to end through the CLI.</summary>
public class RollbackTests
{
    private static async Task<JsonElement> StatusAsync(SandboxProject project)
    {
        var status = await project.NvoiAsync("status", "--json");
        Assert.True(status.ExitCode == 0, status.Err);
        return JsonDocument.Parse(status.Out).RootElement.Clone();
    }

    private static string WebTag(JsonElement status) =>
        status.GetProperty("workloads").EnumerateArray().First(w => w.GetProperty("name").GetString() == "saas-web").GetProperty("tag").GetString()!;

    private static async Task<JsonElement> KeptAsync(SandboxProject project)
    {
        var list = await project.NvoiAsync("rollback", "--json");
        Assert.True(list.ExitCode == 0, list.Err);
        return JsonDocument.Parse(list.Out).RootElement.Clone();
    }

    private static async Task<IReadOnlyCollection<string>> MasterImagesAsync(SandboxProject project)
    {
        await using var world = await SandboxInspector.OpenAsync(project);
        return (await world.HostByName("saas-master-1").ReadStateAsync(default)).Images;
    }

    private static async Task<string> DeployNewVersionAsync(SandboxProject project, string content, params string[] extra)
    {
        File.WriteAllText(project.Run.PathOf("index.html"), content);
        var deploy = await project.DeployAsync(extra);
        Assert.True(deploy.ExitCode == 0, deploy.All);
        return WebTag(await StatusAsync(project));
    }

    [Fact]
    public async Task A_deploy_whose_url_check_fails_rolls_back_to_the_previous_image_with_rollback_on_failure()
    {
        using var project = new SandboxProject("hetzner-cluster");
        var v1 = await DeployNewVersionAsync(project, "<h1>version 1</h1>");

        // Version 2 rolls out, but its public URL answers with an error.
        File.WriteAllText(project.Run.PathOf("index.html"), "<h1>version 2</h1>");
        project.Run.Sandbox = new SandboxSettings { AppFailsUrlCheck = image => !image.EndsWith(":" + v1, StringComparison.Ordinal) };
        var failed = await project.DeployAsync("--rollback-on-failure");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("did not answer from the app", failed.Err);
        Assert.Contains($"Rolled back to {v1}", failed.Err);
        Assert.Contains($"rolling back to {v1}", failed.All);

        var status = await StatusAsync(project);
        Assert.Equal(v1, WebTag(status));
        var deploys = status.GetProperty("deploys").EnumerateArray().ToList();
        Assert.Equal(3, deploys.Count);
        Assert.Equal(v1, deploys[0].GetProperty("tag").GetString());
        Assert.Equal("rollback", deploys[0].GetProperty("kind").GetString());
        Assert.Equal("succeeded", deploys[0].GetProperty("result").GetString());
        var v2 = deploys[1].GetProperty("tag").GetString()!;
        Assert.NotEqual(v1, v2);
        Assert.Contains($"the URL check of {v2} failed", deploys[0].GetProperty("note").GetString());
        Assert.False(deploys[1].TryGetProperty("kind", out _));

        // Without the flag the same failure is only reported: nothing is rolled back.
        File.WriteAllText(project.Run.PathOf("index.html"), "<h1>version 3</h1>");
        var plain = await project.DeployAsync();
        Assert.Equal(1, plain.ExitCode);
        Assert.DoesNotContain("Rolled back", plain.All);
        var v3 = WebTag(await StatusAsync(project));
        Assert.NotEqual(v1, v3);

        // The config key does the same as the flag; here v3 goes back to itself (answering once v4 fails).
        project.ConfigText = project.ConfigText.Replace("  keep_count: 3\n", "  keep_count: 3\n  rollback_on_failure: true\n");
        project.Run.Sandbox = new SandboxSettings { AppFailsUrlCheck = image => !image.EndsWith(":" + v1, StringComparison.Ordinal) && !image.EndsWith(":" + v3, StringComparison.Ordinal) };
        File.WriteAllText(project.Run.PathOf("index.html"), "<h1>version 4</h1>");
        var keyed = await project.DeployAsync();
        Assert.Equal(1, keyed.ExitCode);
        Assert.True(keyed.Err.Contains($"Rolled back to {v3}"), keyed.All);
        status = await StatusAsync(project);
        Assert.Equal(v3, WebTag(status));
        Assert.Equal("rollback", status.GetProperty("deploys")[0].GetProperty("kind").GetString());

        // A rollback whose own URL check fails says so (still exit 1).
        project.Run.Sandbox = new SandboxSettings { AppFailsUrlCheck = _ => true };
        File.WriteAllText(project.Run.PathOf("index.html"), "<h1>version 5</h1>");
        var both = await project.DeployAsync();
        Assert.Equal(1, both.ExitCode);
        Assert.Contains($"The automatic rollback to {v3} failed too", both.Err);
    }

    [Fact]
    public async Task Rollback_lists_the_kept_images_and_goes_back_to_a_tag_idempotently()
    {
        using var project = new SandboxProject("hetzner-cluster");
        project.ConfigText = project.ConfigText.Replace("keep_count: 3", "keep_count: 1");
        var v1 = await DeployNewVersionAsync(project, "<h1>version 1</h1>");
        var v2 = await DeployNewVersionAsync(project, "<h1>version 2</h1>");
        // keep_count 1, yet the previous image stays on the master: a rollback needs no pull.
        Assert.Contains($"localhost:30500/nvoi-saas:{v1}", await MasterImagesAsync(project));

        var kept = await KeptAsync(project);
        Assert.Equal(v2, kept.GetProperty("running").GetString());
        Assert.Equal(v1, kept.GetProperty("previous").GetString());
        var images = kept.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal([v2, v1], images.Select(i => i.GetProperty("tag").GetString()!).ToArray());
        Assert.True(images[0].GetProperty("running").GetBoolean());
        Assert.True(images[1].GetProperty("previous").GetBoolean());
        Assert.All(images, i =>
        {
            Assert.True(i.GetProperty("created").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-10));
            Assert.True(i.TryGetProperty("deployed_at", out _));
        });

        // The text list; without a terminal and without --yes it only lists.
        var text = await project.NvoiAsync("rollback");
        Assert.True(text.ExitCode == 0, text.All);
        Assert.Matches($@"\n  {v2}  \S+ +\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d  running", "\n" + text.Out);
        Assert.Matches($@"\n  {v1}  \S+ +\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d  previous", "\n" + text.Out);
        Assert.Contains("nvoi rollback --yes", text.Err);

        // An unknown tag: exit 2 with the kept tags, nothing changed.
        var unknown = await project.NvoiAsync("rollback", "20000101000000", "--yes");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains($"kept tags: {v2}, {v1}", unknown.Err);
        Assert.Equal(v2, WebTag(await StatusAsync(project)));

        // Without --yes and no terminal, the rollback is not confirmed.
        var unconfirmed = await project.NvoiAsync("rollback", v1);
        Assert.Equal(2, unconfirmed.ExitCode);
        Assert.Contains("--yes", unconfirmed.Err);

        // Back to v1: the plan shows the image and the migration Job, the rollout runs, the history records it.
        var back = await project.NvoiAsync("rollback", v1, "--yes");
        Assert.True(back.ExitCode == 0, back.All);
        Assert.Contains($"roll back to {v1}", back.All);
        Assert.Contains($"kept tag {v1}: not rebuilt", back.All);
        Assert.Contains("Verify public URLs", back.All);
        var status = await StatusAsync(project);
        Assert.Equal(v1, WebTag(status));
        var last = status.GetProperty("deploys")[0];
        Assert.Equal(v1, last.GetProperty("tag").GetString());
        Assert.Equal("rollback", last.GetProperty("kind").GetString());
        Assert.Equal($"from {v2}", last.GetProperty("note").GetString());

        // Run again: it converges (nothing to roll out anew), and the list now says v1 runs.
        var again = await project.NvoiAsync("rollback", v1, "--yes");
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains("unchanged: not rebuilt", again.All);
        Assert.Equal(v1, WebTag(await StatusAsync(project)));
        kept = await KeptAsync(project);
        Assert.Equal(v1, kept.GetProperty("running").GetString());
        Assert.Equal(v2, kept.GetProperty("previous").GetString());

        // --yes without a tag takes the previous one (v2 again); the next deploy builds anew.
        var forward = await project.NvoiAsync("rollback", "--yes");
        Assert.True(forward.ExitCode == 0, forward.All);
        Assert.Equal(v2, WebTag(await StatusAsync(project)));
        Assert.Contains(("create", "image", "nvoi-saas"), await project.PlanAsync());
    }
}
