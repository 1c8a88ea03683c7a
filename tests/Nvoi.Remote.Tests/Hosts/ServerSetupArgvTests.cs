using Nvoi.Hosts;
using YamlDotNet.RepresentationModel;

namespace Nvoi.Remote.Tests.Hosts;

public class ServerSetupArgvTests
{
    private static void AssertScript(RecordingHost host, int call, string script, params string[] args)
    {
        var (argv, stdin) = host.Calls[call];
        Assert.Equal(["sh", "-c", HostScripts.Text(script), "nvoi-" + script, .. args], argv);
        Assert.Null(stdin); // nothing waits for the end of an input
        Assert.Equal(script, HostScripts.NameOf(argv[2]));
    }

    [Fact]
    public async Task Mount_passes_device_path_and_wait_and_reads_the_result()
    {
        var host = new RecordingHost().Answer(0, "formatted: yes\nmounted: /dev/sdb /opt/nvoi/volumes/a-db-pg 1234-uuid\n");
        var result = await ServerSetup.MountVolumeAsync(host, "/dev/sdb", "/opt/nvoi/volumes/a-db-pg");
        AssertScript(host, 0, "mount-volume", "/dev/sdb", "/opt/nvoi/volumes/a-db-pg", "120");
        Assert.Equal(new MountResult(true, "1234-uuid"), result);

        host.Answer(0, "formatted: no\nmounted: /dev/sdb /m u2\n");
        Assert.False((await ServerSetup.MountVolumeAsync(host, "/dev/sdb", "/m")).Formatted);

        host.Answer(3, "", "device /dev/sdc did not appear within 120s\n");
        var ex = await Assert.ThrowsAsync<HostSetupException>(() => ServerSetup.MountVolumeAsync(host, "/dev/sdc", "/m"));
        Assert.Equal("Server rec: mount volume /dev/sdc failed (exit 3): device /dev/sdc did not appear within 120s", ex.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => ServerSetup.MountVolumeAsync(host, "/dev/sdb", "/with space"));
        await Assert.ThrowsAsync<ArgumentException>(() => ServerSetup.MountVolumeAsync(host, "sdb", "/m"));
    }

    [Fact]
    public async Task K3s_server_install_sends_ip_name_version_and_wait()
    {
        var host = new RecordingHost().Answer(0, "private interface: enp7s0\nk3s: installed\n").Answer(0, "k3s: already active\n");
        Assert.True(await ServerSetup.InstallK3sServerAsync(host, new K3sServer("10.0.1.2", "app-master-1")));
        Assert.False(await ServerSetup.InstallK3sServerAsync(host, new K3sServer("10.0.1.2", "app-master-1")));
        AssertScript(host, 0, "k3s-server", "10.0.1.2", "app-master-1", K3s.Version, "300");
        Assert.Matches(@"^v1\.\d+\.\d+\+k3s\d+$", K3s.Version);
    }

    [Fact]
    public async Task A_node_label_is_one_more_argument_and_must_be_a_plain_key_value()
    {
        var host = new RecordingHost().Answer(0, "k3s: installed\n");
        await ServerSetup.InstallK3sServerAsync(host, new K3sServer("10.0.1.2", "app-master-1") { NodeLabel = "nvoi.io/server-name=master" });
        AssertScript(host, 0, "k3s-server", "10.0.1.2", "app-master-1", K3s.Version, "300", "nvoi.io/server-name=master");
        foreach (var bad in new[] { "no-equals", "=v", "k=v; rm -rf /", "k=$(id)", "k=v w" })
            await Assert.ThrowsAsync<ArgumentException>(() =>
                ServerSetup.InstallK3sServerAsync(new RecordingHost(), new K3sServer("10.0.1.2", "m") { NodeLabel = bad }));
    }

    [Fact]
    public async Task Is_active_and_reads_are_plain_argv()
    {
        var host = new RecordingHost().Answer(0).Answer(3).Answer(0, "apiVersion: v1\n").Answer(0, "K10abc::server:def\n");
        Assert.True(await ServerSetup.IsK3sActiveAsync(host));
        Assert.False(await ServerSetup.IsK3sAgentActiveAsync(host));
        Assert.Equal("apiVersion: v1\n", await ServerSetup.ReadKubeconfigAsync(host));
        Assert.Equal("K10abc::server:def", await ServerSetup.ReadNodeTokenAsync(host));
        Assert.Equal(["systemctl", "is-active", "--quiet", "k3s"], host.Calls[0].Argv);
        Assert.Equal(["systemctl", "is-active", "--quiet", "k3s-agent"], host.Calls[1].Argv);
        Assert.Equal(["sudo", "cat", "--", "/etc/rancher/k3s/k3s.yaml"], host.Calls[2].Argv);
        Assert.Equal(["sudo", "cat", "--", "/var/lib/rancher/k3s/server/node-token"], host.Calls[3].Argv);
    }

    [Fact]
    public async Task Agent_join_never_puts_the_token_in_argv()
    {
        const string token = "K10secret-token::server:hush";
        var host = new RecordingHost().Answer(3).Answer(0, "k3s-agent: joined\n");
        var agent = new K3sAgent("10.0.1.2", token, "10.0.1.3", "app-workers-1");
        Assert.True(await ServerSetup.JoinK3sAgentAsync(host, agent));
        Assert.Equal(["systemctl", "is-active", "--quiet", "k3s-agent"], host.Calls[0].Argv);
        var tokenFile = Assert.Single(host.Uploads);
        Assert.Equal(token + "\n", tokenFile.Content);
        AssertScript(host, 1, "k3s-agent", "10.0.1.2", tokenFile.Path, "10.0.1.3", "app-workers-1", K3s.Version, "300");
        Assert.DoesNotContain(host.Calls, c => c.Argv.Any(a => a.Contains("secret", StringComparison.Ordinal)));
        Assert.DoesNotContain("secret", agent.ToString(), StringComparison.Ordinal);

        var active = new RecordingHost().Answer(0);
        Assert.False(await ServerSetup.JoinK3sAgentAsync(active, agent));
        Assert.Single(active.Calls);
        Assert.Empty(active.Uploads);
    }

    [Fact]
    public async Task Lock_calls_and_answers()
    {
        var since = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);
        var info = new LockInfo("ana@laptop", since, "0.3.0") { BootId = "b1", PidNamespace = "pid:[4026531836]", Pid = 41 };
        const string text = "1764000000\nholder=ana@laptop\nboot=b1\npidns=pid:[4026531836]\npid=41\nversion=0.3.0";
        var host = new RecordingHost()
            .Answer(0, "lock: acquired\n")
            .Answer(0, "lock: held\nholder=bob@ci\nsince=1763999000\nversion=0.3.0\n")
            .Answer(0, "lock: replaced-stale\n1763000000\n")
            .Answer(0, "lock: replaced-dead\n" + text + "\n")
            .Answer(0, "lock: present\nholder=bob@ci\nsince=1763999000\nversion=0.3.0\n")
            .Answer(0, "lock: none\n")
            .Answer(0, "lock: released\n")
            .Answer(0, "lock: absent\n");
        Assert.Equal(text + "\n", info.Format());
        Assert.Equal(new LockResult.Acquired(null), await ServerSetup.AcquireDeployLockAsync(host, "/tmp/l.lock", info, TimeSpan.FromHours(1)));
        AssertScript(host, 0, "deploy-lock", "acquire", "/tmp/l.lock", "1764000000", "3600", text);
        var bob = new LockInfo("bob@ci", DateTimeOffset.FromUnixTimeSeconds(1_763_999_000), "0.3.0");
        Assert.Equal(new LockResult.HeldBy(bob), await ServerSetup.AcquireDeployLockAsync(host, "/tmp/l.lock", info, TimeSpan.FromHours(1)));
        Assert.Equal(new LockResult.Acquired(new LockInfo("", DateTimeOffset.FromUnixTimeSeconds(1_763_000_000), "")),
            await ServerSetup.AcquireDeployLockAsync(host, "/tmp/l.lock", info, TimeSpan.FromHours(1)));
        Assert.Equal(new LockResult.Acquired(info),
            await ServerSetup.AcquireDeployLockAsync(host, "/tmp/l.lock", info with { Pid = 42 }, TimeSpan.FromHours(1), takeOver: info));
        AssertScript(host, 3, "deploy-lock", "acquire", "/tmp/l.lock", "1764000000", "3600", text.Replace("pid=41", "pid=42"), text);
        Assert.Equal(bob, await ServerSetup.ReadDeployLockAsync(host, "/tmp/l.lock"));
        Assert.Null(await ServerSetup.ReadDeployLockAsync(host, "/tmp/l.lock"));
        Assert.True(await ServerSetup.ReleaseDeployLockAsync(host, "/tmp/l.lock"));
        Assert.False(await ServerSetup.ReleaseDeployLockAsync(host, "/tmp/l.lock"));
        AssertScript(host, 7, "deploy-lock", "release", "/tmp/l.lock");
        await Assert.ThrowsAsync<ArgumentException>(() =>
            ServerSetup.AcquireDeployLockAsync(host, "/tmp/l.lock", info with { Holder = "a\nb" }, TimeSpan.FromHours(1)));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            ServerSetup.AcquireDeployLockAsync(host, "/tmp/l.lock", info with { BootId = "a\nb" }, TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task Prune_reports_removed_references()
    {
        var host = new RecordingHost().Answer(0, "removed: localhost:30500/app:20250101000000\nremoved: localhost:30500/app:20240101000000\n");
        var removed = await ServerSetup.PruneImagesAsync(host, "localhost:30500/app", 3);
        AssertScript(host, 0, "prune-images", "localhost:30500/app", "3");
        Assert.Equal(["localhost:30500/app:20250101000000", "localhost:30500/app:20240101000000"], removed);
    }

    [Fact]
    public void Our_lock_files_parse_back_whole()
    {
        var info = LockInfo.Parse("1764000000\nholder=ana@x\nboot=b-1\npidns=pid:[4026531836]\npid=41\nversion=0.3.0\n");
        Assert.Equal(new LockInfo("ana@x", DateTimeOffset.FromUnixTimeSeconds(1764000000), "0.3.0") { BootId = "b-1", PidNamespace = "pid:[4026531836]", Pid = 41 }, info);
        Assert.True(info!.NamesProcess);
        Assert.Equal("ana@x (pid 41)", info.Who);
        Assert.Equal(info, LockInfo.Parse(info.Format()));
        Assert.False(LockInfo.Parse("1764000000\n")!.NamesProcess);
        Assert.Equal("nvoi 0.2.0", LockInfo.Parse("1764000000\n")!.Who);
    }

    [Theory]
    [InlineData("1764000000\n", "", 1764000000, "")]
    [InlineData("holder=ana@x\nsince=1764000001\nversion=0.3.0\n", "ana@x", 1764000001, "0.3.0")]
    [InlineData("version=1\r\nsince=5\r\nholder=h=x\r\n", "h=x", 5, "1")]
    public void Lock_files_parse(string text, string holder, long since, string version)
    {
        var info = LockInfo.Parse(text);
        Assert.Equal(new LockInfo(holder, DateTimeOffset.FromUnixTimeSeconds(since), version), info);
        Assert.Equal(info, LockInfo.Parse(info!.Format()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("holder=x\n")]
    [InlineData("garbage")]
    public void Unreadable_lock_files_are_null(string text) => Assert.Null(LockInfo.Parse(text));

    [Fact]
    public void Cloud_init_parses_back()
    {
        var yaml = CloudInit.Render("ssh-ed25519 AAAAC3Nz+/abc user: #1");
        Assert.StartsWith("#cloud-config\n", yaml);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var user = (YamlMappingNode)((YamlSequenceNode)root["users"]).Children[0];
        Assert.Equal("deploy", user["name"].ToString());
        Assert.Equal("ALL=(ALL) NOPASSWD:ALL", user["sudo"].ToString());
        Assert.Equal("ssh-ed25519 AAAAC3Nz+/abc user: #1", ((YamlSequenceNode)user["ssh_authorized_keys"]).Children[0].ToString());
        Assert.Equal(["curl", "git", "jq", "rsync"], ((YamlSequenceNode)root["packages"]).Children.Select(c => c.ToString()));
        Assert.False(root.Children.ContainsKey("ssh_keys"));
    }
}

public class CloudInitHostKeyTests
{
    [Fact]
    public async Task Host_key_fragment_joins_the_document()
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-ci-");
        try
        {
            var path = Path.Combine(dir.FullName, "host");
            await SshdServer.Keygen(path);
            var priv = await File.ReadAllTextAsync(path);
            var pub = (await File.ReadAllTextAsync(path + ".pub")).Trim();
            var yaml = Nvoi.Hosts.CloudInit.Render("ssh-ed25519 AAAAC3Nz deploy", priv, pub);
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            var root = (YamlMappingNode)stream.Documents[0].RootNode;
            Assert.Equal("true", root["ssh_deletekeys"].ToString());
            Assert.Equal(HostKey.Parse(pub), HostKey.Parse(((YamlMappingNode)root["ssh_keys"])["ed25519_public"].ToString()));
            Assert.Equal("deploy", ((YamlMappingNode)((YamlSequenceNode)root["users"]).Children[0])["name"].ToString());
            Assert.Throws<ArgumentException>(() => Nvoi.Hosts.CloudInit.Render("ssh-ed25519 AAAA", priv, null));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
