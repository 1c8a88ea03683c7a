namespace Nvoi.Remote.Tests;

public class InteractiveSshTests(SshdFixture fixture) : IClassFixture<SshdFixture>
{
    [Fact]
    public void Argv_pins_the_host_key_and_the_identity()
    {
        var argv = InteractiveSsh.BuildArgv(new SshEndpoint("master", "203.0.113.7", 22), "deploy", "/tmp/k", "/tmp/kh");
        Assert.Equal(
        [
            "ssh", "-i", "/tmp/k", "-o", "UserKnownHostsFile=/tmp/kh", "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes", "-o", "UpdateHostKeys=no", "-o", "IdentitiesOnly=yes",
            "-o", "IdentityAgent=none", "-o", "HostKeyAlias=nvoi-master", "-p", "22", "-t", "deploy@203.0.113.7",
        ], argv);
        var withCommand = InteractiveSsh.BuildArgv(new SshEndpoint("master", "h", 2222), "deploy", "k", "kh", ["echo", "a b"]);
        Assert.Equal(["deploy@h", "--", "echo 'a b'"], withCommand.TakeLast(3));
        Assert.DoesNotContain("-t", withCommand);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Temp_files_are_private_work_with_real_ssh_and_are_removed()
    {
        var sshd = fixture.Server;
        var key = HostKey.Parse(sshd.HostPublicKey);
        string dir;
        using (var files = InteractiveSsh.Prepare(sshd.Endpoint("master"), sshd.User, sshd.ClientPrivateKey, key, ["echo", "it's here"]))
        {
            dir = files.Directory;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.KeyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files.KnownHostsFile));
            var (code, output) = await SshdServer.RunTool(files.Argv[0], [.. files.Argv.Skip(1)]);
            Assert.Equal(0, code);
            Assert.Equal("it's here\n", output);
        }
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task Wrong_pinned_key_is_refused_by_ssh()
    {
        var sshd = fixture.Server;
        var other = Path.Combine(sshd.Directory, "other_host");
        await SshdServer.Keygen(other);
        using var files = InteractiveSsh.Prepare(sshd.Endpoint("master"), sshd.User, sshd.ClientPrivateKey,
            HostKey.Parse(File.ReadAllText(other + ".pub")), ["true"]);
        var (code, output) = await SshdServer.RunTool(files.Argv[0], [.. files.Argv.Skip(1)]);
        Assert.Equal(255, code);
        Assert.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", output);
    }

    [Fact]
    public async Task Run_returns_the_exit_code_and_cleans_up_even_on_failure()
    {
        var sshd = fixture.Server;
        var key = HostKey.Parse(sshd.HostPublicKey);
        var before = TempDirs();
        Assert.Equal(0, await InteractiveSsh.RunAsync(sshd.Endpoint("master"), sshd.User, sshd.ClientPrivateKey, key, ["true"]));
        Assert.Equal(3, await InteractiveSsh.RunAsync(sshd.Endpoint("master"), sshd.User, sshd.ClientPrivateKey, key, ["sh", "-c", "exit 3"]));
        Assert.Equal(255, await InteractiveSsh.RunAsync(new SshEndpoint("master", sshd.Address, 1), sshd.User, sshd.ClientPrivateKey, key, ["true"]));
        Assert.Equal(before, TempDirs());
    }

    private static string[] TempDirs() =>
        Directory.GetDirectories(Path.GetTempPath(), "nvoi-ssh-*").Order().ToArray();
}
