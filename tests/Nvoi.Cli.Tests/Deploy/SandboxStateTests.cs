using System.Diagnostics;

namespace Nvoi.Cli.Tests.Deploy;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SandboxStateTests
{
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Dir0700 = File0600 | UnixFileMode.UserExecute;

    [Fact]
    public async Task Sandbox_state_holding_the_apps_secrets_is_owner_only_and_ignored_by_git()
    {
        using var project = new SandboxProject("hetzner-postgres");
        var deploy = await project.DeployAsync("--plain");
        Assert.True(deploy.ExitCode == 0, deploy.Err);

        var root = project.Run.PathOf(".nvoi");
        var kubernetes = Directory.GetFiles(root, "kubernetes.json", SearchOption.AllDirectories);
        Assert.NotEmpty(kubernetes);
        // The emulated cluster keeps the app's Secret (base64): the reason for all of this.
        Assert.Contains(Convert.ToBase64String("placeholder-secret-key-base"u8), File.ReadAllText(kubernetes[0]));

        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
        Assert.True(files.Length > 3);
        Assert.Empty(files.Where(f => File.GetUnixFileMode(f) != File0600).Select(f => $"{f}: {File.GetUnixFileMode(f)}"));
        var dirs = Directory.GetDirectories(root, "*", SearchOption.AllDirectories).Append(root);
        Assert.Empty(dirs.Where(d => File.GetUnixFileMode(d) != Dir0700).Select(d => $"{d}: {File.GetUnixFileMode(d)}"));

        // git, in a repository without any .gitignore of the user's, ignores every file of the state.
        Git(project.Run.Dir, "init", "-q");
        var status = Git(project.Run.Dir, "status", "--porcelain", "--untracked-files=all");
        Assert.DoesNotContain(".nvoi", status);
        Assert.Contains("deploy.yml", status);
    }

    [Fact]
    public async Task Config_init_lists_the_sandbox_state_in_gitignore()
    {
        using var run = new CliRun();
        Assert.Equal(0, (await run.RunAsync("config", "init", "--name", "myapp")).ExitCode);
        var lines = File.ReadAllLines(run.PathOf(".gitignore"));
        Assert.Contains(".nvoi/", lines);
        Assert.Contains("*.enc.lock", lines);
        Assert.Contains("deploy.key", lines);
    }

    private static string Git(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var git = Process.Start(start)!;
        var stdout = git.StandardOutput.ReadToEnd();
        var stderr = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, stderr);
        return stdout;
    }
}
