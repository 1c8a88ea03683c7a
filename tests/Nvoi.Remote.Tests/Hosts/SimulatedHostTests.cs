using System.Text;
using Nvoi.Hosts;
using Nvoi.Sandbox.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

public sealed class SimulatedHostTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nvoi-simhost-");
    private readonly List<string> _devices = ["/dev/sdb"];
    private readonly List<int> _forwarded = [];

    public void Dispose() => _dir.Delete(recursive: true);

    private SimulatedHost Host(string name = "app-master-1") => new(name, _dir.FullName, () => _devices.ToArray(),
        (port, _) => { _forwarded.Add(port); return Task.FromResult<IPortForward>(new FakeForward(port)); });

    private sealed record FakeForward(int LocalPort) : IPortForward
    {
        public string LocalHost => "127.0.0.1";
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Mount_twice_formats_once_and_survives_a_reload()
    {
        var host = Host();
        var first = await ServerSetup.MountVolumeAsync(host, "/dev/sdb", "/opt/nvoi/volumes/app-db-pg");
        Assert.True(first.Formatted);
        var second = await ServerSetup.MountVolumeAsync(Host(), "/dev/sdb", "/opt/nvoi/volumes/app-db-pg");
        Assert.Equal(new MountResult(false, first.Uuid), second);

        var state = await Host().ReadStateAsync();
        Assert.Equal(1, state.FormatCount["/dev/sdb"]);
        Assert.Equal("/dev/sdb", state.Mounts["/opt/nvoi/volumes/app-db-pg"]);
        var fstab = await host.RunAsync(["cat", "/etc/fstab"]);
        Assert.Equal($"UUID={first.Uuid} /opt/nvoi/volumes/app-db-pg xfs defaults,nofail 0 2\n", fstab.Stdout);
        Assert.Equal(0, (await host.RunAsync(["test", "-d", "/opt/nvoi/volumes/app-db-pg"])).ExitCode);

        var ex = await Assert.ThrowsAsync<HostSetupException>(() => ServerSetup.MountVolumeAsync(host, "/dev/sdc", "/m"));
        Assert.Equal(3, ex.ScriptExitCode);
    }

    [Fact]
    public async Task K3s_installs_once_and_hands_out_kubeconfig_and_token()
    {
        var master = Host();
        Assert.False(await ServerSetup.IsK3sActiveAsync(master));
        Assert.True(await ServerSetup.InstallK3sServerAsync(master, new K3sServer("10.0.1.2", "app-master-1")));
        Assert.False(await ServerSetup.InstallK3sServerAsync(Host(), new K3sServer("10.0.1.2", "app-master-1")));
        Assert.True(await ServerSetup.IsK3sActiveAsync(master));
        var state = await master.ReadStateAsync();
        Assert.Equal(1, state.K3sInstallCount);
        Assert.Equal(new SimulatedK3sNode("server", "app-master-1", "10.0.1.2", K3s.Version, null), state.K3s);
        Assert.Contains("https://127.0.0.1:6443", await ServerSetup.ReadKubeconfigAsync(master));
        Assert.Contains("localhost:30500", (await master.RunAsync(["cat", K3s.RegistriesPath])).Stdout);
        var token = await ServerSetup.ReadNodeTokenAsync(master);
        Assert.StartsWith("K10", token);

        var worker = Host("app-workers-1");
        var agent = new K3sAgent("10.0.1.2", token, "10.0.1.3", "app-workers-1");
        Assert.True(await ServerSetup.JoinK3sAgentAsync(worker, agent));
        Assert.False(await ServerSetup.JoinK3sAgentAsync(worker, agent));
        var ws = await worker.ReadStateAsync();
        Assert.Equal(1, ws.K3sInstallCount);
        Assert.Equal(token + "\n", (await worker.RunAsync(["sudo", "cat", K3s.AgentTokenPath])).Stdout);
        Assert.DoesNotContain(ws.Files.Keys, k => k.Contains("nvoi-k3s-agent-token", StringComparison.Ordinal));
    }

    [Fact]
    public Task Lock_sequence() => LockContract.SequenceAsync(Host(), "/tmp/nvoi-deploy-app.lock");

    // Separate instances on one directory stand for separate nvoi processes. 50 rounds of each race.
    [Fact]
    public async Task Fifty_races_from_separate_instances_each_have_one_winner()
    {
        for (var round = 0; round < 50; round++)
            await LockContract.ConcurrentAsync([Host(), Host(), Host()], $"/tmp/race-{round}.lock");
    }

    [Fact]
    public async Task Fifty_races_for_a_dead_holders_lock_each_have_one_winner()
    {
        for (var round = 0; round < 50; round++)
            await LockContract.DeadHolderRaceAsync([Host(), Host(), Host()], $"/tmp/dead-{round}.lock");
    }

    [Fact]
    public async Task Fifty_races_never_take_a_live_lock_of_another_pid_namespace()
    {
        for (var round = 0; round < 50; round++)
            await LockContract.LiveHolderElsewhereRaceAsync([Host(), Host(), Host()], $"/tmp/live-{round}.lock");
    }

    [Fact]
    public async Task Prune_keeps_the_newest_latest_and_images_in_use()
    {
        var host = Host();
        await host.UpdateStateAsync(s =>
        {
            foreach (var tag in new[] { "20250101", "20250102", "20250103", "20250104", "20250105", "latest" })
                s.Images.Add("localhost:30500/app:" + tag);
            s.Images.Add("localhost:30500/app-other:20240101");
            s.ImagesInUse.Add("localhost:30500/app:20250101");
        });
        var removed = await ServerSetup.PruneImagesAsync(host, "localhost:30500/app", 2);
        Assert.Equal(["localhost:30500/app:20250103", "localhost:30500/app:20250102"], removed);
        Assert.Equal(
            ["localhost:30500/app-other:20240101", "localhost:30500/app:20250101", "localhost:30500/app:20250104",
             "localhost:30500/app:20250105", "localhost:30500/app:latest"],
            (await Host().ReadStateAsync()).Images);
        Assert.Empty(await ServerSetup.PruneImagesAsync(host, "localhost:30500/app", 2));
    }

    [Fact]
    public async Task Plain_commands_and_files()
    {
        var host = Host();
        Assert.Equal("ready\n", (await host.RunAsync(["echo", "ready"])).Stdout);
        Assert.Equal("app-master-1\n", (await host.RunAsync(["hostname"])).Stdout);
        Assert.Equal("x86_64\n", (await host.RunAsync(["uname", "-m"])).Stdout);
        Assert.Equal(0, (await host.RunAsync(["true"])).ExitCode);
        Assert.Equal(1, (await host.RunAsync(["false"])).ExitCode);
        Assert.Equal(0, (await host.RunAsync(["mkdir", "-p", "/srv/a/b"])).ExitCode);
        Assert.Equal(0, (await host.RunAsync(["test", "-d", "/srv/a"])).ExitCode);
        Assert.Equal(1, (await host.RunAsync(["test", "-f", "/srv/a"])).ExitCode);

        var bytes = new byte[300_000];
        new Random(7).NextBytes(bytes);
        await host.UploadAsync(new MemoryStream(bytes), "/srv/a/b/blob.bin");
        var back = new MemoryStream();
        await Host().DownloadAsync("/srv/a/b/blob.bin", back);
        Assert.Equal(bytes, back.ToArray());
        var sum = await host.RunAsync(["sha256sum", "/srv/a/b/blob.bin"]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) + "  /srv/a/b/blob.bin\n", sum.Stdout);
        Assert.Equal("b\n", (await host.RunAsync(["ls", "/srv/a"])).Stdout);
        Assert.Equal(0, (await host.RunAsync(["test", "-e", "/srv/a/b/blob.bin"])).ExitCode);
        Assert.Equal(0, (await host.RunAsync(["rm", "-f", "/srv/a/b/blob.bin", "/srv/none"])).ExitCode);
        Assert.Equal(1, (await host.RunAsync(["test", "-e", "/srv/a/b/blob.bin"])).ExitCode);
        var missing = await host.RunAsync(["cat", "/srv/a/b/blob.bin"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(2, (await host.RunAsync(["ls", "/nope"])).ExitCode);
        await Assert.ThrowsAsync<IOException>(() => host.UploadAsync(new MemoryStream([1]), "/no/such/dir/f"));

        var lines = new List<OutputLine>();
        var unknown = await host.RunAsync(["docker", "ps"], onLine: lines.Add);
        Assert.Equal(new RemoteResult(127, "", "sandbox: docker: not simulated\n"), unknown);
        Assert.Equal([new OutputLine(true, "sandbox: docker: not simulated")], lines);
        var script = await host.RunAsync(["sh", "-c", "#!/bin/sh\necho hi\n", "nvoi-script", "x"]);
        Assert.Equal(127, script.ExitCode);
    }

    [Fact]
    public async Task Forwards_go_to_the_world_and_cloud_init_is_done()
    {
        var host = Host();
        await using var forward = await host.ForwardLocalPortAsync("127.0.0.1", 6443);
        Assert.Equal([6443], _forwarded);
        await ServerSetup.WaitForCloudInitAsync(host);
        await host.UpdateStateAsync(s => s.CloudInitDone = false);
        Assert.Equal(4, (await Assert.ThrowsAsync<HostSetupException>(() => ServerSetup.WaitForCloudInitAsync(host))).ScriptExitCode);
    }

    [Fact]
    public async Task Cat_into_a_stream_is_binary_safe()
    {
        var host = Host();
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await host.UploadAsync(new MemoryStream(bytes), "dump.bin");
        var sink = new MemoryStream();
        var result = await host.RunAsync(new RemoteCommand(["cat", "--", "/home/deploy/dump.bin"], Stdout: sink));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(bytes, sink.ToArray());
        var piped = new MemoryStream();
        await host.RunAsync(new RemoteCommand(["cat"], Stdin: new MemoryStream(bytes), Stdout: piped));
        Assert.Equal(bytes, piped.ToArray());
    }

    [Fact]
    public async Task The_pool_reuses_hosts_and_names_the_server_in_callbacks()
    {
        var asked = new List<string>();
        await using var hosts = new SimulatedHosts(_dir.FullName, name => { asked.Add(name); return ["/dev/sdb"]; },
            (name, port, _) => Task.FromResult<IPortForward>(new FakeForward(port)), name => "kubeconfig of " + name);
        Assert.Same(hosts.Get("m"), hosts.Get("m"));
        Assert.NotSame(hosts.Get("m"), hosts.Get("w"));
        await ServerSetup.MountVolumeAsync(hosts.Get("w"), "/dev/sdb", "/data");
        Assert.Equal(["w"], asked);
        await ServerSetup.InstallK3sServerAsync(hosts.Get("m"), new K3sServer("10.0.1.2", "m"));
        Assert.Equal("kubeconfig of m", await ServerSetup.ReadKubeconfigAsync(hosts.Get("m")));
        Assert.Equal(6443, (await hosts.Get("m").ForwardLocalPortAsync("127.0.0.1", 6443)).LocalPort);
    }

    [Fact]
    public async Task In_the_pool_agents_need_the_masters_token()
    {
        await using var hosts = new SimulatedHosts(_dir.FullName, _ => [],
            (_, port, _) => Task.FromResult<IPortForward>(new FakeForward(port)));
        var worker = hosts.Get("app-workers-1");
        var noServer = await Assert.ThrowsAsync<HostSetupException>(() =>
            ServerSetup.JoinK3sAgentAsync(worker, new K3sAgent("10.0.1.2", "K10x", "10.0.1.3", "app-workers-1")));
        Assert.Equal(7, noServer.ScriptExitCode);

        await ServerSetup.InstallK3sServerAsync(hosts.Get("app-master-1"), new K3sServer("10.0.1.2", "app-master-1"));
        var wrong = await Assert.ThrowsAsync<HostSetupException>(() =>
            ServerSetup.JoinK3sAgentAsync(worker, new K3sAgent("10.0.1.2", "K10wrong", "10.0.1.3", "app-workers-1")));
        Assert.DoesNotContain("K10wrong", wrong.Message, StringComparison.Ordinal);
        Assert.False(await ServerSetup.IsK3sAgentActiveAsync(worker));

        var token = await ServerSetup.ReadNodeTokenAsync(hosts.Get("app-master-1"));
        Assert.True(await ServerSetup.JoinK3sAgentAsync(worker, new K3sAgent("10.0.1.2", token, "10.0.1.3", "app-workers-1")));
        Assert.True(await ServerSetup.IsK3sAgentActiveAsync(worker));
    }
}
