using Nvoi.Cli.Tests.Deploy;
using Nvoi.Hosts;

namespace Nvoi.Cli.Tests;

/// <summary>
/// One exit-code rule for every command (docs/architecture.md, "Exit codes"): 2 invalid input, 1 any other failure,
/// 130 cancelled. The cases here are the ones that once answered 1 for bad input.
/// </summary>
public class ExitCodeTests
{
    [Fact]
    public async Task Exec_on_a_server_the_config_does_not_have_is_invalid_input()
    {
        using var project = new SandboxProject("hetzner-postgres");
        var result = await project.Run.RunAsync("exec", "--server", "nope", "-c", "deploy.yml", "--sandbox", "--", "true");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown server 'nope'; use main or one of: master-1", result.Err);
        Assert.DoesNotContain("   at ", result.Err);

        var noCommand = await project.Run.RunAsync("exec", "-c", "deploy.yml", "--sandbox");
        Assert.Equal(2, noCommand.ExitCode);
        Assert.Contains("no command given", noCommand.Err);
    }

    [Theory]
    [InlineData("placeholder-hetzner-token", "deploy", "--yes")]
    [InlineData("placeholder-hetzner-token", "plan")]
    [InlineData("placeholder-cloudflare-token", "deploy", "--yes")]
    public async Task A_credential_the_provider_refuses_is_invalid_input(string placeholder, params string[] command)
    {
        using var project = new SandboxProject("hetzner-postgres");
        project.ConfigText = project.ConfigText.Replace(placeholder, "invalid"); // the emulators refuse this token
        var result = await project.NvoiAsync(command);
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Err}");
        Assert.Contains("error:", result.Err);
        Assert.DoesNotContain("   at ", result.Err);
    }

    [Fact]
    public async Task Usage_and_config_errors_are_invalid_input()
    {
        using var project = new SandboxProject("hetzner-postgres");
        Assert.Equal(2, (await project.NvoiAsync("deploy", "--no-such-option")).ExitCode);
        Assert.Equal(2, (await project.NvoiAsync("help", "nope")).ExitCode);
        Assert.Contains("      port: 3000", project.ConfigText);
        project.ConfigText = project.ConfigText.Replace("      port: 3000", "      port: eighty");
        var config = await project.NvoiAsync("plan");
        Assert.True(config.ExitCode == 2, config.All);
    }

    [Fact]
    public async Task A_held_lock_is_a_failure_not_bad_input()
    {
        using var project = new SandboxProject("hetzner-postgres");
        Assert.Equal(0, (await project.DeployAsync("--plain")).ExitCode);
        await using (var world = await DayTwo.SandboxInspector.OpenAsync(project))
        {
            var names = new Nvoi.Configuration.Names(DayTwo.SandboxInspector.Config(project).Application.Name!);
            var other = new LockInfo("alice@laptop", DateTimeOffset.UtcNow, "0.3.0") { BootId = "b", PidNamespace = "pid:[1]", Pid = 7 };
            await ServerSetup.AcquireDeployLockAsync(world.HostByName(names.Server("master", 1)), names.DeployLockPath, other, ServerSetup.DefaultLockStaleAfter);
        }
        var held = await project.DeployAsync("--plain");
        Assert.Equal(1, held.ExitCode);
        Assert.Contains("another deploy holds the lock: alice@laptop (pid 7)", held.Err);
    }
}
