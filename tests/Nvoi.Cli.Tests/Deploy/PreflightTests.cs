using Nvoi.Build;
using Nvoi.Cli.Tests.DayTwo;
using Nvoi.Configuration;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>What the config cannot hold is checked before the first create: nothing is left behind.</summary>
public class PreflightTests
{
    [Fact]
    public async Task A_missing_dockerfile_fails_before_any_create()
    {
        using var project = new SandboxProject("hetzner-cluster");
        File.Delete(project.Run.PathOf("Dockerfile"));
        var log = new MutationLog();
        var e = await Assert.ThrowsAsync<ImageBuildException>(() => EngineHarness.DeployAsync(project, settings: log.Settings()));
        Assert.Contains("no Dockerfile at", e.Message);
        Assert.Empty(log.Requests);

        var cli = await project.DeployAsync("--plain");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("no Dockerfile at", cli.Err);
        await AssertNothingExistsAsync(project, project.ConfigText);
    }

    [Fact]
    public async Task An_app_name_whose_network_and_firewall_names_are_too_long_fails_before_any_create()
    {
        using var project = new SandboxProject("hetzner-cluster");
        var original = project.ConfigText;
        var name = "s" + new string('a', 53);
        project.ConfigText = original.Replace("  name: saas\n", $"  name: {name}\n");

        var e = Assert.Throws<ConfigException>(() => EngineHarness.Config(project));
        Assert.Contains(e.Errors, err => err.Path == "application.name" && err.Message.Contains($"'nvoi-{name}-network'") && err.Message.Contains("63"));
        Assert.Contains(e.Errors, err => err.Path == "application.name" && err.Message.Contains($"'nvoi-{name}-firewall'"));
        Assert.Contains(e.Errors, err => err.Path == "application.name" && err.Message.Contains($"'db-{name}'"));

        var cli = await project.DeployAsync("--plain");
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("application.name: resource name", cli.Err);
        await AssertNothingExistsAsync(project, original);
    }

    [Fact]
    public async Task Config_validate_reports_type_and_rule_errors_of_a_file_together_with_their_paths()
    {
        using var project = new SandboxProject("hetzner-postgres");
        project.ConfigText = project.ConfigText
            // Two values of the wrong type …
            .Replace("      master: true\n", "      master: maybe\n")
            .Replace("        path: /\n        port: 3000\n", "        path: /\n        port: three\n")
            // … and five broken rules.
            .Replace("  environment: production\n", "  environment: \"\"\n")
            .Replace("      domain: example.com\n", "      domain: not_a_domain\n")
            .Replace("      servers: [master]\n      domain", "      servers: [master, ghost]\n      domain")
            .Replace("    adapter: postgres\n", "    adapter: oracle\n")
            .Replace("    LOG_LEVEL: info\n", "    \"LOG LEVEL\": info\n");

        var result = await project.Run.RunAsync(["config", "validate", "-c", "deploy.yml"]);
        Assert.Equal(2, result.ExitCode);
        string[] paths =
        [
            "application.servers.master.master", "application.app.web.healthcheck.port",
            "application.environment", "application.app.web.domain", "application.app.web.servers[1]",
            "application.database.adapter", "application.env.LOG LEVEL",
        ];
        foreach (var path in paths) Assert.Contains(path + ":", result.Err);
    }

    private static async Task AssertNothingExistsAsync(SandboxProject project, string validConfig)
    {
        var config = ConfigSource.FromText(validConfig, _ => null);
        await using var world = await Nvoi.Sandbox.World.SandboxWorld.OpenAsync(config, Path.Combine(project.Run.Dir, ".nvoi", "sandbox"), TimeProvider.System);
        Assert.Empty(await world.Cloud.ListServersAsync(default));
        Assert.Empty(await world.Cloud.ListVolumesAsync(default));
        Assert.Empty(await world.Cloudflare.ListTunnelsAsync(null, deleted: null, default));
        var zone = (await world.Cloudflare.FindZoneForHostnameAsync("app.example.com", default))!;
        Assert.Empty(await world.Cloudflare.ListDnsRecordsAsync(zone, null, default));
    }
}
