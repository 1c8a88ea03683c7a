using Nvoi.Credentials;
using Nvoi.Remote;

namespace Nvoi.Hosts.Tests.Real;

/// <summary>
/// A Debian server as a container of the test host image: systemd as PID 1, sshd, and cloud-init reading
/// the user data nvoi gives a cloud (<see cref="CloudInit.Render"/>, from a NoCloud seed). The deploy user,
/// its key and the host key all come from that user data; nvoi connects with the host key pinned, as deploy
/// does after creating a server. Block devices (loop devices) can be attached as a cloud attaches volumes.
/// </summary>
internal sealed class RealHost : IAsyncDisposable
{
    private readonly string _seed;
    private RemoteSessions _sessions;

    private RealHost(string name, string container, string address, SshKeyPair deployKey, SshKeyPair hostKey, string seed)
    {
        Name = name;
        Container = container;
        Address = address;
        DeployKey = deployKey;
        HostKey = hostKey;
        _seed = seed;
        _sessions = new RemoteSessions(Options(Pinned(hostKey.PublicKey)));
        Host = _sessions.Get(Endpoint);
    }

    public string Name { get; }
    public string Container { get; }
    public string Address { get; private set; }
    public SshKeyPair DeployKey { get; }
    public SshKeyPair HostKey { get; }
    public SshEndpoint Endpoint => new(Name, Address);

    /// <summary>nvoi's session to the host as the deploy user, its host key pinned.</summary>
    public IRemoteHost Host { get; private set; }

    /// <summary>The user data the host booted with, exactly as <see cref="CloudInit.Render"/> gave it.</summary>
    public string UserData => File.ReadAllText(Path.Combine(_seed, "user-data"));

    public static async Task<RealHost> StartAsync(string name, params string[] devices)
    {
        var image = await HostImage.TagAsync();
        // The keys as deploy makes them: a deploy key pair, and a host key generated and pinned before the server exists.
        var deployKey = SshKeyGenerator.GenerateEd25519();
        var hostKey = SshKeyGenerator.GenerateEd25519(name);
        var seed = Directory.CreateTempSubdirectory("nvoi-seed-").FullName;
        File.WriteAllText(Path.Combine(seed, "user-data"), CloudInit.Render(deployKey.PublicKey, hostKey.PrivateKey, hostKey.PublicKey));
        File.WriteAllText(Path.Combine(seed, "meta-data"), $"instance-id: {name}-{Guid.NewGuid():N}\nlocal-hostname: {name}\n");
        List<string> args =
        [
            "run", "--detach", "--name", $"nvoi-test-{name}-{Guid.NewGuid().ToString("N")[..8]}", "--hostname", name,
            "--label", "nvoi.test-host=1",
            "--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--cap-add", "MKNOD",
            "--security-opt", "seccomp=unconfined", "--tmpfs", "/run", "--tmpfs", "/run/lock",
            "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "--cgroupns=host", "--stop-signal", "SIGRTMIN+3",
            "-v", $"{seed}:/var/lib/cloud/seed/nocloud:ro",
        ];
        foreach (var device in devices) args.AddRange(["--device", $"{device}:{device}"]);
        args.AddRange([image, "/sbin/init"]);
        string container;
        try
        {
            container = await Tool.OkAsync("docker", [.. args]);
        }
        catch
        {
            Directory.Delete(seed, recursive: true);
            throw;
        }
        var host = new RealHost(name, container, await AddressOf(container), deployKey, hostKey, seed);
        try
        {
            await host.WaitUntilReadyAsync();
        }
        catch (Exception ex)
        {
            var journal = await host.DiagnosticsAsync();
            await host.DisposeAsync();
            throw new InvalidOperationException($"test host {name} did not come up: {ex.Message}\n{journal}", ex);
        }
        return host;
    }

    /// <summary>Session options as deploy uses them: the deploy user and key, host keys from <paramref name="store"/>.</summary>
    public SshSessionOptions Options(IHostKeyStore store) => new()
    {
        User = "deploy",
        PrivateKey = DeployKey.PrivateKey,
        HostKeys = store,
        Time = TimeProvider.System,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>A host key store with <paramref name="publicKey"/> pinned for this host.</summary>
    public IHostKeyStore Pinned(string publicKey)
    {
        var store = new InMemoryHostKeyStore();
        store.Record(Name, publicKey);
        return store;
    }

    /// <summary>A reboot: the container restarts (systemd stops every service, the file system stays), nvoi reconnects.</summary>
    public async Task RebootAsync()
    {
        await _sessions.DisposeAsync();
        await Tool.OkAsync("docker", "restart", "--time", "20", Container);
        Address = await AddressOf(Container);
        _sessions = new RemoteSessions(Options(Pinned(HostKey.PublicKey)));
        Host = _sessions.Get(Endpoint);
        await WaitUntilReadyAsync();
    }

    /// <summary>Runs a command as root inside the host, beside nvoi's session (inspection only).</summary>
    public Task<(int Code, string Stdout, string Stderr)> ExecAsync(params string[] argv) =>
        Tool.RunAsync("docker", ["exec", Container, .. argv]);

    /// <summary>Puts the k3s stand-in (Real/Shims/k3s) at /usr/local/bin/k3s.</summary>
    public async Task InstallK3sStandInAsync()
    {
        await Tool.OkAsync("docker", "cp", Path.Combine(AppContext.BaseDirectory, "Real", "Shims", "k3s"), $"{Container}:/usr/local/bin/k3s");
        var (code, _, stderr) = await ExecAsync("sh", "-c", "chmod 755 /usr/local/bin/k3s && mkdir -p /etc/nvoi-test-pods");
        if (code != 0) throw new InvalidOperationException(stderr);
    }

    private async Task WaitUntilReadyAsync()
    {
        await RemoteWaits.WaitForSshAsync(Host, TimeProvider.System, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(250));
        await ServerSetup.WaitForCloudInitAsync(Host);
    }

    private async Task<string> DiagnosticsAsync()
    {
        var (_, status, _) = await ExecAsync("cloud-init", "status", "--long");
        var (_, failed, _) = await ExecAsync("systemctl", "--failed", "--no-pager");
        var (_, log, _) = await ExecAsync("sh", "-c", "tail -n 40 /var/log/cloud-init.log");
        return $"cloud-init status:\n{status}\nfailed units:\n{failed}\ncloud-init.log:\n{log}";
    }

    private static async Task<string> AddressOf(string container) =>
        await Tool.OkAsync("docker", "inspect", "--format", "{{.NetworkSettings.IPAddress}}", container);

    public async ValueTask DisposeAsync()
    {
        await _sessions.DisposeAsync();
        await Tool.RunAsync("docker", ["rm", "--force", "--volumes", Container]);
        Directory.Delete(_seed, recursive: true);
    }
}
