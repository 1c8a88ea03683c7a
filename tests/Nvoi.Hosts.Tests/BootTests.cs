using Nvoi.Credentials;
using Nvoi.Hosts.Tests.Real;
using Nvoi.Remote;

namespace Nvoi.Hosts.Tests;

/// <summary>A server booted from nvoi's own user data: the user, the packages and the pinned host key it asks for.</summary>
[Collection(RealHostCollection.Name)]
public sealed class BootTests(RealHostFixture fixture)
{
    private RealHost Real => fixture.Host;

    [Fact]
    public async Task Cloud_init_creates_the_deploy_user_with_sudo_and_the_packages()
    {
        Assert.StartsWith("#cloud-config\n", Real.UserData);
        Assert.Equal("deploy\n", (await Real.Host.RunAsync(["id", "-un"])).Stdout);
        Assert.Contains("sudo", (await Real.Host.RunAsync(["id", "-nG"])).Stdout.Split(' ', '\n'));
        Assert.Equal("root\n", (await Real.Host.RunAsync(["sudo", "-n", "id", "-un"])).Stdout);
        Assert.Equal("/bin/bash\n", (await Real.Host.RunAsync(["sh", "-c", "getent passwd deploy | cut -d: -f7"])).Stdout);
        foreach (var tool in CloudInit.Packages) Assert.True((await Real.Host.RunAsync(["sh", "-c", $"command -v {tool}"])).Succeeded, tool);
        // Password login is locked: the key is the only way in.
        Assert.Matches("^deploy (L|LK) ", (await Real.Host.RunAsync(["sudo", "-n", "passwd", "-S", "deploy"])).Stdout);
        var status = await Real.ExecAsync("cloud-init", "status");
        Assert.Equal("status: done\n", status.Stdout);
    }

    [Fact]
    public async Task The_host_presents_only_the_key_nvoi_pinned()
    {
        var keys = await Real.Host.RunAsync(["sh", "-c", "ls /etc/ssh/ssh_host_*_key.pub"]);
        Assert.Equal("/etc/ssh/ssh_host_ed25519_key.pub\n", keys.Stdout);
        var presented = await Real.Host.RunAsync(["sudo", "-n", "cat", "/etc/ssh/ssh_host_ed25519_key.pub"]);
        Assert.True(presented.Succeeded, presented.Stderr);
        Assert.Equal(HostKey.Parse(Real.HostKey.PublicKey), HostKey.Parse(presented.Stdout));
    }

    [Fact]
    public async Task A_wrong_pin_is_refused_and_not_retried()
    {
        var other = SshKeyGenerator.GenerateEd25519("impostor");
        await using var sessions = new RemoteSessions(Real.Options(Real.Pinned(other.PublicKey)));
        var host = sessions.Get(Real.Endpoint);
        var ex = await Assert.ThrowsAsync<HostKeyMismatchException>(() => host.RunAsync(["true"]));
        Assert.Contains(HostKey.Parse(Real.HostKey.PublicKey).Fingerprint, ex.Message);
        await Assert.ThrowsAsync<HostKeyMismatchException>(() =>
            RemoteWaits.WaitForSshAsync(host, TimeProvider.System, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task Another_key_cannot_log_in()
    {
        var stranger = SshKeyGenerator.GenerateEd25519("stranger");
        await using var sessions = new RemoteSessions(new SshSessionOptions
        {
            User = "deploy", PrivateKey = stranger.PrivateKey, HostKeys = Real.Pinned(Real.HostKey.PublicKey),
            Time = TimeProvider.System, ConnectTimeout = TimeSpan.FromSeconds(10),
        });
        await Assert.ThrowsAnyAsync<NvoiException>(() => sessions.Get(Real.Endpoint).RunAsync(["true"]));
    }
}
