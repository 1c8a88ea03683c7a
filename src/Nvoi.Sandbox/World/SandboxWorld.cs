using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Cloud.Aws;
using Nvoi.Cloud.Hetzner;
using Nvoi.Cloud.Scaleway;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Operations;
using Nvoi.Remote;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.Hosts;
using Nvoi.Sandbox.Kubernetes;

namespace Nvoi.Sandbox.World;

/// <summary>Latencies of the sandbox (zero by default; realistic ones for benchmarks).</summary>
public sealed record SandboxSettings
{
    public TimeSpan ApiLatency { get; init; }
    public TimeSpan ServerBootTime { get; init; }
    public double FaultRate { get; init; }
    /// <summary>Added to every command on a simulated server (an SSH round trip).</summary>
    public TimeSpan SshRoundTrip { get; init; }
    /// <summary>How long installing k3s (server or agent) takes on a simulated server, when it is not installed yet.</summary>
    public TimeSpan K3sInstallTime { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>Hears every API request the deploy makes (emulator key, method, path): benchmarks trace with it.</summary>
    public Action<string, string, string>? OnRequest { get; init; }
    /// <summary>Hears every answered API request that may change something (tests check it against the plan).</summary>
    public Action<MutatingRequest>? OnMutation { get; init; }
    /// <summary>The simulated app answers its public URL with an error while it runs an image this is true for (tests of the URL check).</summary>
    public Func<string, bool>? AppFailsUrlCheck { get; init; }
    /// <summary>Extra emulator settings (e.g. kubernetes.crashloop_images).</summary>
    public IReadOnlyDictionary<string, string> Emulator { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The whole world on this machine: the provider's and Cloudflare's emulators, simulated servers
/// whose k3s is a Kubernetes emulator, and a simulated image build. State lives in one directory
/// (.nvoi/sandbox/), so every command of a session sees the same world.
/// </summary>
public sealed partial class SandboxWorld : IWorld
{
    private readonly string _directory;
    private readonly EmulatorOptions _options;
    private readonly List<EmulatorHost> _emulators = [];
    private readonly ConcurrentDictionary<string, SimulatedHost> _hosts = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<EmulatorHost>>> _clusters = new();

    public bool IsSandbox => true;
    public TimeProvider Time { get; }
    public ICloudProvider Cloud { get; private set; } = null!;
    public ICloudflare Cloudflare { get; private set; } = null!;
    public IImageBuilder ImageBuilder { get; }

    /// <summary>API requests answered by every emulator of this world (compute, Cloudflare, Kubernetes).</summary>
    public long ApiRequests => _emulators.Sum(e => e.Requests) +
        _clusters.Values.Where(c => c.IsValueCreated && c.Value.IsCompletedSuccessfully).Sum(c => c.Value.Result.Requests);

    /// <summary>Simulated servers reached (one SSH connection each in a real run) and the commands they ran.</summary>
    public (int Connections, long Commands) Ssh => (_hosts.Count, _hosts.Values.Sum(h => h.Commands));


    private readonly SandboxSettings _settings;

    private SandboxWorld(string directory, TimeProvider time, EmulatorOptions options, SandboxSettings settings)
    {
        _settings = settings;
        _directory = directory;
        Time = time;
        _options = options;
        ImageBuilder = new SimulatedImageBuilder(OnImagePushed, time);
    }

    public static async Task<SandboxWorld> OpenAsync(DeployConfig config, string directory, TimeProvider time, SandboxSettings? settings = null)
    {
        settings ??= new SandboxSettings();
        PrivateFiles.CreateStateRoot(directory);
        var app = config.Application;
        var cf = app.DomainProvider!.Cloudflare!;
        var zones = app.App.Values.Select(a => a.Domain).Where(d => !string.IsNullOrEmpty(d)).Distinct().ToList();
        var emulatorSettings = new Dictionary<string, string>(settings.Emulator)
        {
            ["cloudflare.zones"] = string.Join(',', zones.Append("example.com").Distinct()),
            ["cloudflare.account_id"] = cf.AccountId!,
        };
        var options = new EmulatorOptions
        {
            Latency = settings.ApiLatency,
            ServerBootTime = settings.ServerBootTime,
            FaultRate = settings.FaultRate,
            Seed = settings.Seed,
            StateDirectory = directory,
            Time = time,
            Settings = emulatorSettings,
            OnRequest = settings.OnRequest,
            OnMutation = settings.OnMutation,
        };
        var world = new SandboxWorld(directory, time, options, settings);
        try
        {
            var compute = await world.StartAsync(app.ComputeProvider switch
            {
                { Hetzner: not null } => new Hetzner.HetznerEmulator(options),
                { Scaleway: not null } => new Scaleway.ScalewayEmulator(options),
                { Aws: not null } => new Aws.Ec2Emulator(options),
                _ => throw new NvoiException("no compute provider is configured"),
            });
            var cloudflare = await world.StartAsync(new Cloudflare.CloudflareEmulator(options));
            world.Cloud = Provider(app.ComputeProvider!, compute.BaseUrl, time);
            world.Cloudflare = new CloudflareClient(new CloudflareSettings(cf.ApiToken!, cf.AccountId!) { BaseUrl = cloudflare.BaseUrl, Time = time });
            // The sandbox's own look-ups (devices attached to a server, the route of a URL) stand for no API
            // call of a real deploy: they go to the emulators' internal ports, free of latency and uncounted.
            world._internalCloud = Provider(app.ComputeProvider!, compute.InternalBaseUrl, time);
            world._internalCloudflare = new CloudflareClient(new CloudflareSettings(cf.ApiToken!, cf.AccountId!) { BaseUrl = cloudflare.InternalBaseUrl, Time = time });
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    private static ICloudProvider Provider(ComputeProvider config, Uri url, TimeProvider time) => config switch
    {
        { Hetzner: { } h } => new HetznerCloudProvider(url, h.ApiToken!, new SocketsHttpHandler(), time),
        { Scaleway: { } s } => new ScalewayProvider(url, s.SecretKey!, s.ProjectId!, s.ZoneValue, new SocketsHttpHandler(), time),
        { Aws: { } a } => new AwsProvider(a.AccessKeyId!, a.SecretAccessKey!, a.Region!, url, time),
        _ => throw new NvoiException("no compute provider is configured"),
    };

    private ICloudProvider _internalCloud = null!;
    private ICloudflare _internalCloudflare = null!;

    private async Task<EmulatorHost> StartAsync(IEmulator emulator)
    {
        var host = await EmulatorHost.StartAsync(emulator, _options);
        _emulators.Add(host);
        return host;
    }

    public IRemoteHost Host(ServerInfo server) => _hosts.GetOrAdd(server.Name, name =>
    {
        var host = NewHost(name, () => AttachedDevices(server.Id));
        var carried = ReadVolumeFilesystems();
        if (carried.Count > 0)
            host.UpdateStateAsync(s =>
            {
                foreach (var (device, fs) in carried) s.Filesystems.TryAdd(device, fs);
            }).GetAwaiter().GetResult();
        return host;
    });

    /// <summary>
    /// Filesystems live on the volumes, not on the servers: those of deleted servers (by volume-specific
    /// device path) are kept here, so a kept volume attached to a new server is mounted, not formatted.
    /// </summary>
    private readonly SemaphoreSlim _volumeFilesystemsLock = new(1, 1);

    private string VolumeFilesystemsFile => Path.Combine(_directory, "volume-filesystems.json");

    private Dictionary<string, SimulatedFilesystem> ReadVolumeFilesystems() =>
        File.Exists(VolumeFilesystemsFile)
            ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, SimulatedFilesystem>>(File.ReadAllText(VolumeFilesystemsFile)) ?? []
            : [];

    /// <summary>The simulated host of a server known by name only (day-two commands).</summary>
    public SimulatedHost HostByName(string server) => _hosts.GetOrAdd(server, name => NewHost(name, () => []));

    private SimulatedHost NewHost(string name, Func<IReadOnlyList<string>> devices)
    {
        SimulatedHost? host = null;
        host = new SimulatedHost(name, Path.Combine(_directory, "hosts"), devices, (port, ct) => ForwardAsync(name, port, ct), () => SandboxKubeconfig)
        {
            RoundTrip = _settings.SshRoundTrip,
            BeforeScript = async (script, arguments, ct) =>
            {
                // The API server starts with the install: the cluster's emulator starts while it "runs".
                if (script == HostScripts.K3sServer) _ = ClusterAsync(name);
                if (_settings.K3sInstallTime <= TimeSpan.Zero || script is not (HostScripts.K3sServer or HostScripts.K3sAgent)) return;
                if ((await host!.ReadStateAsync(ct)).K3s is null) await Task.Delay(_settings.K3sInstallTime, Time, ct);
            },
            // A k3s server or agent registers its node as it starts, as a kubelet would.
            AfterScript = async (script, ct) =>
            {
                // k3s deploys its bundled Traefik when it starts without --disable=traefik (its helm controller).
                if (script == HostScripts.K3sTraefik && !await host!.IsTraefikDisabledAsync(ct)) await DeployBundledTraefikAsync(name, ct);
                if (script is not (HostScripts.K3sServer or HostScripts.K3sAgent)) return;
                if (await MasterOfAsync(name, ct) is { } master) await RegisterNodesAsync(master, await ClusterAsync(master), ct, only: name);
            },
        };
        return host;
    }

    private const string SandboxKubeconfig = "# sandbox: the cluster API is a Kubernetes emulator reached through the forwarded port\n";

    private IReadOnlyList<string> AttachedDevices(string serverId) =>
        _internalCloud.ListVolumesAsync(CancellationToken.None).GetAwaiter().GetResult()
            .Where(v => v.ServerId == serverId && v.DevicePath is not null)
            .Select(v => v.DevicePath!)
            .ToList();

    /// <summary>
    /// 6443 reaches the cluster's Kubernetes emulator (started on first use), the registry's NodePort its registry
    /// (reading the master's registry storage); other ports have nothing behind them.
    /// </summary>
    private async Task<IPortForward> ForwardAsync(string server, int port, CancellationToken ct)
    {
        if (port == Names.RegistryPort) return new LoopbackForward((await RegistryAsync(server)).BaseUrl.Port);
        if (port != 6443) return new LoopbackForward(0);
        var cluster = await ClusterAsync(server);
        await RegisterNodesAsync(server, cluster, ct);
        return new LoopbackForward(cluster.BaseUrl.Port);
    }

    private readonly ConcurrentDictionary<string, Lazy<Task<EmulatorHost>>> _registries = new();

    private Task<EmulatorHost> RegistryAsync(string master) => _registries.GetOrAdd(master, m => new Lazy<Task<EmulatorHost>>(() =>
        EmulatorHost.StartAsync(new Registry.RegistryEmulator(ct => HostByName(m).ReadStateAsync(ct)), _options with { StateDirectory = null }))).Value;

    private Task<EmulatorHost> ClusterAsync(string master) => _clusters.GetOrAdd(master, m => new Lazy<Task<EmulatorHost>>(async () =>
    {
        var options = _options with { StateDirectory = Path.Combine(_directory, "clusters", m) };
        return await EmulatorHost.StartAsync(new KubernetesEmulator(options), options);
    })).Value;

    /// <summary>A simulated server's state, read without making it a host of this world (its devices are bound on first use).</summary>
    private Task<SimulatedHostState> HostStateAsync(string name, CancellationToken ct) =>
        _hosts.TryGetValue(name, out var host) ? host.ReadStateAsync(ct) : new SimulatedHostStore(Path.Combine(_directory, "hosts"), name).ReadAsync(ct);

    /// <summary>The server whose k3s server this host's k3s belongs to (itself for a server), or null.</summary>
    private async Task<string?> MasterOfAsync(string host, CancellationToken ct)
    {
        var node = (await HostStateAsync(host, ct)).K3s;
        if (node is null) return null;
        if (node.Role == "server") return host;
        foreach (var name in SimulatedServers())
            if ((await HostStateAsync(name, ct)).K3s is { Role: "server" } server && server.PrivateIp == node.ServerPrivateIp)
                return name;
        return null;
    }

    /// <summary>The simulated kubelets: every host (or <paramref name="only"/> that one) whose k3s belongs to this master appears as a node, with its registration label.</summary>
    private async Task RegisterNodesAsync(string master, EmulatorHost cluster, CancellationToken ct, string? only = null)
    {
        using var client = KubeClientFactory.ForUrl(cluster.InternalBaseUrl);
        var masterState = await HostStateAsync(master, ct);
        if (masterState.K3s is null) return;
        foreach (var name in only is null ? SimulatedServers() : [only])
        {
            var state = await HostStateAsync(name, ct);
            var belongs = name == master || state.K3s is { Role: "agent" } k && k.ServerPrivateIp == masterState.K3s.PrivateIp;
            if (state.K3s is null || !belongs) continue;
            try
            {
                var labels = state.K3s.NodeLabel?.Split('=', 2) is [var key, var value] ? new Dictionary<string, string> { [key] = value } : null;
                var created = await client.CoreV1.CreateNodeAsync(new V1Node
                {
                    Metadata = new V1ObjectMeta { Name = state.K3s.NodeName, Labels = labels },
                }, cancellationToken: ct);
                // The API server drops the status of a create; the kubelet reports it through the status subresource.
                var now = Time.GetUtcNow().UtcDateTime;
                created.Status = new V1NodeStatus
                {
                    Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", LastHeartbeatTime = now, LastTransitionTime = now }],
                    NodeInfo = new V1NodeSystemInfo
                    {
                        KubeletVersion = $"{K3s.Version}", KubeProxyVersion = K3s.Version, OsImage = "Ubuntu 24.04 LTS", Architecture = "amd64", OperatingSystem = "linux",
                        ContainerRuntimeVersion = "containerd://1.7", KernelVersion = "6.8.0", MachineID = "", SystemUUID = "", BootID = "",
                    },
                };
                await client.CoreV1.ReplaceNodeStatusAsync(created, created.Metadata.Name, cancellationToken: ct);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict) { }
        }
    }

    /// <summary>The names of every simulated server with state in this sandbox.</summary>
    public IEnumerable<string> SimulatedServers()
    {
        const string suffix = ".host.json";
        var dir = Path.Combine(_directory, "hosts");
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*" + suffix).Select(f => Path.GetFileName(f)[..^suffix.Length]).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    public IKubernetes Kubernetes(string kubeconfig, IPortForward apiForward) =>
        KubeClientFactory.ForUrl(new Uri($"http://127.0.0.1:{apiForward.LocalPort}"));

    private void OnImagePushed(BuiltImage image)
    {
        // The image lands in the masters' registry storage and containerd, as a push to the in-cluster registry and a pull would.
        var reference = image.ClusterImage[(image.ClusterImage.IndexOf('/') + 1)..];
        var (repository, tag) = (reference[..reference.LastIndexOf(':')], reference[(reference.LastIndexOf(':') + 1)..]);
        var pushed = new SimulatedRegistryImage(image.ContentDigest, Time.GetUtcNow());
        foreach (var master in _clusters.Keys)
            HostByName(master).UpdateStateAsync(s =>
            {
                s.Images.Add(image.ClusterImage);
                if (!s.Registry.TryGetValue(repository, out var tags)) s.Registry[repository] = tags = new(StringComparer.Ordinal);
                tags[tag] = pushed;
            }).GetAwaiter().GetResult();
    }

    /// <summary>
    /// DNS → tunnel → ingress → a ready Deployment: the path a request would take, looked up through the
    /// emulators' internal ports; the check costs what one HTTPS request would, one API latency.
    /// </summary>
    public async Task<UrlCheck> CheckUrlAsync(string hostname, CancellationToken ct)
    {
        if (_settings.ApiLatency > TimeSpan.Zero) await Task.Delay(_settings.ApiLatency, Time, ct);
        var (route, detail) = await RouteAsync(hostname, ct);
        if (route is null) return new UrlCheck(false, detail);
        using var client = KubeClientFactory.ForUrl(route.Value.Cluster);
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(route.Value.Service, ClusterLabels.Namespace, cancellationToken: ct);
        if ((deployment.Status?.ReadyReplicas ?? 0) == 0) return new UrlCheck(false, "no ready pod (the error page would answer)");
        return _settings.AppFailsUrlCheck?.Invoke(deployment.Spec.Template.Spec.Containers[0].Image) == true
            ? new UrlCheck(false, "500 from the app (simulated)")
            : new UrlCheck(true, "200 (simulated)");
    }

    /// <summary>
    /// The path of a request, looked up at every check (a tunnel may be switched between two): zone, CNAME,
    /// the tunnel's rule for the hostname, the ingress controller its origin names (ready), and an Ingress of
    /// that controller's class with a rule for the hostname.
    /// </summary>
    private async Task<((Uri Cluster, string Service)? Route, string Detail)> RouteAsync(string hostname, CancellationToken ct)
    {
        var zone = await _internalCloudflare.FindZoneForHostnameAsync(hostname, ct);
        if (zone is null) return (null, "no Cloudflare zone");
        var record = (await _internalCloudflare.ListDnsRecordsAsync(zone, hostname, ct)).FirstOrDefault(r => r.Type == "CNAME");
        if (record is null) return (null, "no DNS record");
        var tunnelId = record.Content.Split('.')[0];
        var config = await _internalCloudflare.GetTunnelConfigurationAsync(tunnelId, ct);
        var tunnelRule = config?.Ingress.FirstOrDefault(r => r.Hostname == hostname);
        if (tunnelRule is null) return (null, "the tunnel does not route it");
        // Every k3s server's cluster runs, whether or not this run reached it yet.
        foreach (var name in SimulatedServers())
            if ((await HostStateAsync(name, ct)).K3s is { Role: "server" }) await ClusterAsync(name);
        foreach (var (master, cluster) in _clusters)
        {
            var url = (await cluster.Value).InternalBaseUrl;
            using var client = KubeClientFactory.ForUrl(url);
            var (ingressClass, controllerDown) = await ControllerAsync(master, client, tunnelRule.Service, ct);
            var ingresses = await client.NetworkingV1.ListNamespacedIngressAsync(ClusterLabels.Namespace, cancellationToken: ct);
            var rule = ingresses.Items.Where(i => (i.Spec.IngressClassName ?? "traefik") == ingressClass)
                .SelectMany(i => i.Spec.Rules ?? []).FirstOrDefault(r => r.Host == hostname);
            if (rule is null) continue;
            if (controllerDown is not null) return (null, controllerDown);
            return ((url, rule.Http.Paths[0].Backend.Service.Name), "routed");
        }
        return (null, "no ingress for it");
    }

    /// <summary>The Ingress class the tunnel origin's controller serves, and why it does not answer (null when it does).</summary>
    private async Task<(string Class, string? Down)> ControllerAsync(string master, IKubernetes client, string origin, CancellationToken ct)
    {
        if (origin == Nvoi020.TunnelOrigin)
            return (Nvoi020.IngressClass, await ReadyReplicasAsync(client, Nvoi020.Namespace, Nvoi020.Controller, ct) is > 0 ? null : "ingress-nginx does not run");
        if (origin == Operations.Deploy.DesiredState.TunnelOrigin)
        {
            if (await HostByName(master).IsTraefikDisabledAsync(ct)) return ("traefik", "k3s runs without Traefik (--disable=traefik)");
            return ("traefik", await ReadyReplicasAsync(client, "kube-system", "traefik", ct) is null or > 0 ? null : "Traefik is not ready");
        }
        return ("", $"nothing answers at {origin}");
    }

    private static async Task<int?> ReadyReplicasAsync(IKubernetes client, string ns, string name, CancellationToken ct)
    {
        try { return (await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct)).Status?.ReadyReplicas ?? 0; }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return null; }
    }

    /// <summary>A deleted server: its simulated host's state goes, and so does the cluster it was master of.</summary>
    public async Task ForgetServerAsync(string name, CancellationToken ct)
    {
        var state = await HostByName(name).ReadStateAsync(ct);
        var onVolumes = state.Filesystems.Where(f => f.Key.Contains("/by-id/", StringComparison.Ordinal)).ToList();
        if (onVolumes.Count > 0)
        {
            await _volumeFilesystemsLock.WaitAsync(ct);
            try
            {
                var carried = ReadVolumeFilesystems();
                foreach (var (device, fs) in onVolumes) carried[device] = fs;
                var tmp = VolumeFilesystemsFile + "." + Guid.NewGuid().ToString("N") + ".tmp";
                await PrivateFiles.WriteAllTextAsync(tmp, System.Text.Json.JsonSerializer.Serialize(carried));
                File.Move(tmp, VolumeFilesystemsFile, overwrite: true);
            }
            finally
            {
                _volumeFilesystemsLock.Release();
            }
        }
        _hosts.TryRemove(name, out _);
        var hosts = Path.Combine(_directory, "hosts");
        foreach (var file in new[] { name + SimulatedHostStore.StateSuffix, name + ".host.lock" })
            File.Delete(Path.Combine(hosts, file));
        var blobs = Path.Combine(hosts, name + ".files");
        if (Directory.Exists(blobs)) Directory.Delete(blobs, recursive: true);
        if (_clusters.TryRemove(name, out var cluster) && cluster.IsValueCreated)
            await (await cluster.Value).DisposeAsync();
        if (_registries.TryRemove(name, out var registry) && registry.IsValueCreated)
            await (await registry.Value).DisposeAsync();
        var clusterDir = Path.Combine(_directory, "clusters", name);
        if (Directory.Exists(clusterDir)) Directory.Delete(clusterDir, recursive: true);
        ct.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in new object?[] { Cloud, Cloudflare, _internalCloud, _internalCloudflare })
            (client as IDisposable)?.Dispose();
        foreach (var cluster in _clusters.Values.Concat(_registries.Values))
            if (cluster.IsValueCreated) await (await cluster.Value).DisposeAsync();
        foreach (var emulator in _emulators) await emulator.DisposeAsync();
    }

    private sealed record LoopbackForward(int LocalPort) : IPortForward
    {
        public string LocalHost => "127.0.0.1";
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
