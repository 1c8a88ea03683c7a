using System.Text.Json;
using Nvoi.Cli.Tests.Deploy;

namespace Nvoi.Cli.Tests.Doctor;

public class DoctorTests
{
    private const string WorkingDocker = "echo 'Server Version: 27.0.1'\nexit 0";

    private static string Line(CliResult result, string name) =>
        result.Out.Split('\n').FirstOrDefault(l => l.Length > 2 && l[2..].StartsWith(name + " ")) ??
        throw new Xunit.Sdk.XunitException($"no `{name}` line in:\n{result.All}");

    [Theory]
    [MemberData(nameof(SandboxProject.Examples), MemberType = typeof(SandboxProject))]
    public async Task With_sandbox_every_check_of_an_example_passes(string example)
    {
        using var project = new SandboxProject(example);
        using var path = new FakePath().With("docker", WorkingDocker).With("ssh", "exit 0");
        project.Run.Env["PATH"] = path.Dir;

        var result = await project.NvoiAsync("doctor");

        Assert.True(result.ExitCode == 0, result.All);
        foreach (var name in new[] { "docker", "ssh", "config", "cloudflare token" })
            Assert.StartsWith("✓", Line(result, name));
        Assert.Contains(result.Out.Split('\n'), l => l.StartsWith("✓") && l.Contains(" credentials "));
        Assert.DoesNotContain("✗", result.Out);
        foreach (var secret in project.SecretValues()) Assert.DoesNotContain(secret, result.All);
    }

    [Fact]
    public async Task A_missing_docker_fails_with_how_to_install_it()
    {
        using var run = new CliRun();
        using var path = new FakePath().With("ssh", "exit 0");
        run.Env["PATH"] = path.Dir;

        var result = await run.RunAsync("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("✗ docker", Line(result, "docker"));
        Assert.Contains("no docker on PATH", result.Out);
        Assert.Contains("fix: install Docker", result.Out);
        Assert.StartsWith("✓ ssh", Line(result, "ssh"));
    }

    [Fact]
    public async Task A_docker_whose_engine_does_not_answer_fails_with_how_to_start_it()
    {
        using var run = new CliRun();
        using var path = new FakePath().With("docker", "echo 'Cannot connect to the Docker daemon' >&2\nexit 1");
        run.Env["PATH"] = path.Dir;

        var result = await run.RunAsync("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("✗ docker", Line(result, "docker"));
        Assert.Contains("does not answer", result.Out);
        Assert.Contains("systemctl start docker", result.Out);
        Assert.StartsWith("! ssh", Line(result, "ssh"));
    }

    [Fact]
    public async Task With_sandbox_a_missing_docker_is_only_a_warning()
    {
        using var project = new SandboxProject("hetzner-postgres");
        using var path = new FakePath().With("ssh", "exit 0");
        project.Run.Env["PATH"] = path.Dir;

        var result = await project.NvoiAsync("doctor");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.StartsWith("! docker", Line(result, "docker"));
    }

    [Fact]
    public async Task A_key_file_others_can_read_is_a_warning_with_chmod()
    {
        using var run = new CliRun();
        using var path = new FakePath().With("docker", WorkingDocker).With("ssh", "exit 0");
        run.Env["PATH"] = path.Dir;
        Assert.Equal(0, (await run.RunAsync("config", "init", "--name", "myapp")).ExitCode);
        var key = run.PathOf("deploy.key");

        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.StartsWith("✓ deploy.key", Line(await run.RunAsync("doctor", "--sandbox"), "deploy.key"));

        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var result = await run.RunAsync("doctor", "--sandbox");
        Assert.StartsWith("! deploy.key", Line(result, "deploy.key"));
        Assert.Contains("mode 0644", result.Out);
        Assert.Contains($"fix: chmod 600 {key}", result.Out);
    }

    [Fact]
    public async Task A_missing_config_fails_and_says_how_to_create_one()
    {
        using var run = new CliRun();
        using var path = new FakePath().With("docker", WorkingDocker).With("ssh", "exit 0");
        run.Env["PATH"] = path.Dir;

        var result = await run.RunAsync("doctor", "--sandbox");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("✗ config", Line(result, "config"));
        Assert.Contains("nvoi onboard", result.Out);
        Assert.DoesNotContain("cloudflare token", result.Out);
    }

    [Fact]
    public async Task Json_lists_every_check_with_its_status_and_fix()
    {
        using var project = new SandboxProject("hetzner-postgres");
        using var path = new FakePath().With("docker", WorkingDocker);
        project.Run.Env["PATH"] = path.Dir;

        var result = await project.NvoiAsync("doctor", "--json");

        Assert.True(result.ExitCode == 0, result.All);
        using var doc = JsonDocument.Parse(result.Out);
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        var checks = doc.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => (Status: c.GetProperty("status").GetString(), Fix: c.GetProperty("fix").GetString()));
        Assert.Equal(("ok", null), checks["docker"]);
        Assert.Equal("warning", checks["ssh"].Status);
        Assert.Contains("openssh", checks["ssh"].Fix);
        Assert.Equal("ok", checks["hetzner credentials"].Status);
        Assert.Equal("ok", checks["cloudflare token"].Status);
    }

    [Theory]
    [InlineData("placeholder-hetzner-token", "hetzner credentials")]
    [InlineData("placeholder-cloudflare-token", "cloudflare token")]
    public async Task A_refused_token_fails_its_check_with_how_to_replace_it(string placeholder, string check)
    {
        using var project = new SandboxProject("hetzner-postgres");
        using var path = new FakePath().With("docker", WorkingDocker).With("ssh", "exit 0");
        project.Run.Env["PATH"] = path.Dir;
        Assert.Contains(placeholder, project.ConfigText);
        project.ConfigText = project.ConfigText.Replace(placeholder, "invalid"); // the emulators refuse this token

        var result = await project.NvoiAsync("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("✗", Line(result, check));
        Assert.Contains("nvoi credentials edit", result.Out);
        var other = check == "cloudflare token" ? "hetzner credentials" : "cloudflare token";
        Assert.StartsWith("✓", Line(result, other));
    }
}
