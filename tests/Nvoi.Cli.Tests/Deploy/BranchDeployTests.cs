namespace Nvoi.Cli.Tests.Deploy;

public class BranchDeployTests
{
    [Fact]
    public async Task A_branch_deploys_beside_the_main_deployment_without_touching_it()
    {
        using var project = new SandboxProject("hetzner-postgres");
        Assert.Equal(0, (await project.DeployAsync("--plain")).ExitCode);
        var mainPlan = await project.PlanAsync();

        var branch = await project.NvoiAsync("deploy", "--yes", "--plain", "--branch", "feature-x");
        Assert.True(branch.ExitCode == 0, branch.Err);
        Assert.Contains("https://feature-x-shop.example.com", branch.Out);
        Assert.Contains("shop-feature-x-master-1", branch.Out);

        // The main deployment still plans no change, and the branch's plan is its own.
        Assert.Equal(mainPlan, await project.PlanAsync());
        Assert.DoesNotContain(mainPlan, a => a.Action != "none");
        var branchPlan = await project.Run.RunAsync("plan", "--json", "-c", "deploy.yml", "--sandbox", "--branch", "feature-x");
        Assert.Contains("nvoi-shop-feature-x-network", branchPlan.Out);
        Assert.True(!branchPlan.Out.Contains("\"action\":\"create\""), branchPlan.Out);
    }
}
