namespace Nvoi.Cli.Tests.Deploy;

public class SandboxDeployTests
{
    [Theory]
    [MemberData(nameof(SandboxProject.Examples), MemberType = typeof(SandboxProject))]
    public async Task Example_deploys_then_a_second_deploy_changes_nothing(string example)
    {
        using var project = new SandboxProject(example);
        var first = await project.DeployAsync("--plain");
        Assert.True(first.ExitCode == 0, $"{example}: {first.Err}\n{first.Out}");
        Assert.Contains("https://", first.Out);

        var plan = await project.PlanAsync();
        var changes = plan.Where(a => a.Action != "none").ToList();
        Assert.True(changes.Count == 0, $"{example}: a second plan still changes {string.Join(", ", changes)}");

        var second = await project.DeployAsync("--json");
        Assert.True(second.ExitCode == 0, $"{example}: {second.Err}");
        Assert.DoesNotContain("\"detail\":\"created\"", second.Out);
        Assert.Contains("unchanged: not rebuilt", second.Out);

        foreach (var secret in project.SecretValues())
        {
            Assert.DoesNotContain(secret, first.All);
            Assert.DoesNotContain(secret, second.All);
        }
    }

    [Fact]
    public async Task Plan_after_a_config_edit_shows_exactly_that_change()
    {
        using var project = new SandboxProject("hetzner-postgres");
        Assert.Equal(0, (await project.DeployAsync("--plain")).ExitCode);
        project.ConfigText = project.ConfigText.Replace("LOG_LEVEL: info", "LOG_LEVEL: debug");
        var changes = (await project.PlanAsync()).Where(a => a.Action != "none").ToList();
        Assert.Contains(("update", "secret", "app-secret-shop"), changes);
        Assert.Contains(("update", "deployment", "shop-web"), changes);
        Assert.DoesNotContain(changes, c => c.Kind is "server" or "volume" or "network" or "firewall" or "image");
    }
}
