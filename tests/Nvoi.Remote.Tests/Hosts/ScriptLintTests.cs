using Nvoi.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

public class ScriptLintTests
{
    [Fact]
    public void Every_script_is_shipped()
    {
        Assert.Equal(
            new[] { "cloud-init-wait", "db-branch-create", "db-branch-prepare", "db-branch-restore", "deploy-lock", "k3s-agent", "k3s-server", "k3s-traefik", "mount-volume", "prune-images" },
            HostScripts.Names);
    }

    [Fact]
    public void Every_script_has_the_header_and_names_itself()
    {
        foreach (var name in HostScripts.Names)
        {
            var lines = HostScripts.Text(name).Split('\n');
            Assert.Equal("#!/bin/sh", lines[0]);
            Assert.Equal("# nvoi-script: " + name, lines[1]);
            Assert.Equal(name, HostScripts.NameOf(HostScripts.Text(name)));
            Assert.Contains("set -eu", lines);
        }
    }

    [Fact]
    public async Task Every_script_is_clean_under_shellcheck()
    {
        Assert.True(File.Exists("/usr/bin/shellcheck"), "shellcheck is missing (scripts/prereqs/apt.txt)");
        var dir = Directory.CreateTempSubdirectory("nvoi-shellcheck-");
        try
        {
            var files = new List<string>();
            foreach (var name in HostScripts.Names)
            {
                var path = Path.Combine(dir.FullName, name + ".sh");
                await File.WriteAllTextAsync(path, HostScripts.Text(name));
                files.Add(path);
            }
            var (code, output) = await SshdServer.RunTool("shellcheck", ["--shell=sh", "--severity=style", .. files]);
            Assert.True(code == 0, output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Shellcheck_does_report_a_bad_script()
    {
        // The lint test above can fail: an unquoted expansion is a finding.
        var path = Path.Combine(Path.GetTempPath(), $"nvoi-bad-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(path, "#!/bin/sh\nset -eu\nrm -f $1\n");
        try
        {
            var (code, _) = await SshdServer.RunTool("shellcheck", "--shell=sh", path);
            Assert.NotEqual(0, code);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
