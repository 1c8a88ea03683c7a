using k8s;
using k8s.Models;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Hosts;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>The cluster's API through a forward from the master: closed with the run.</summary>
public sealed class ClusterAccess(IKubernetes client, IPortForward forward) : IAsyncDisposable
{
    public IKubernetes Client => client;

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await forward.DisposeAsync();
    }
}

public sealed partial class Deployer
{
    // application.k3s.installer: the installer file (relative to the working directory) and its pin; null downloads get.k3s.io.
    private K3sInstaller? K3sInstaller()
    {
        if (_config.Application.K3s?.Installer is not { Path: { } path, Sha256: { } sha }) return null;
        var full = Path.GetFullPath(path, _options.WorkingDirectory);
        if (!File.Exists(full)) throw new Configuration.ConfigException("application.k3s.installer.path", $"no file at {full}");
        return new K3sInstaller(full, sha);
    }

    /// <summary>
    /// k3s on the master, then every worker joining at once while the API is forwarded; new nodes register
    /// with their group label, nodes that were already there are labelled through the API.
    /// </summary>
    private async Task<ClusterAccess> EnsureClusterAsync(IReadOnlyDictionary<string, ServerInfo> servers, Action<Task<ClusterAccess>> apiOpening,
        CancellationToken ct)
    {
        var master = servers[_desired.Master.Name];
        var masterHost = _world.Host(master);
        var registeredLabelled = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        Task<ClusterAccess>? access = null;
        try
        {
            await _steps.RunAsync("k3s", null, $"k3s {K3s.Version}", async () =>
            {
                await _steps.RunAsync($"k3s:{master.Name}", "k3s", $"{master.Name} (server)", async () =>
                {
                    // The script itself does nothing on a server where k3s is active.
                    var installed = await ServerSetup.InstallK3sServerAsync(masterHost, new K3sServer(PrivateIp(master), master.Name, K3s.Version)
                    {
                        NodeLabel = NodeLabel(_desired.Master.Group),
                        Installer = K3sInstaller(),
                    }, ct);
                    if (!installed) return "active";
                    registeredLabelled[master.Name] = true;
                    return "installed";
                });
                // The API is reached while the workers join (one after another in a sequential replay).
                if (!_options.Sequential) apiOpening(access = OpenClusterAsync(masterHost, ct));
                var workers = _desired.Servers.Where(s => !s.IsMaster).ToList();
                if (workers.Count > 0)
                {
                    var token = await ServerSetup.ReadNodeTokenAsync(masterHost, ct);
                    await AllAsync(workers, w => _steps.RunAsync($"k3s:{w.Name}", "k3s", $"{w.Name} (agent)", async () =>
                    {
                        var server = servers[w.Name];
                        var host = _world.Host(server);
                        // Joining checks first that the agent is not active already (then the token is not sent).
                        var joined = await ServerSetup.JoinK3sAgentAsync(host, new K3sAgent(PrivateIp(master), token, PrivateIp(server), server.Name, K3s.Version)
                        {
                            NodeLabel = NodeLabel(w.Group),
                            Installer = K3sInstaller(),
                        }, ct);
                        if (!joined) return "active";
                        registeredLabelled[w.Name] = true;
                        return "joined";
                    }));
                }
                return null;
            });
            if (access is null) apiOpening(access = OpenClusterAsync(masterHost, ct));
            var cluster = await access;
            var unlabelled = _desired.Servers.Where(s => !registeredLabelled.ContainsKey(s.Name)).ToList();
            if (unlabelled.Count > 0)
                await _steps.RunAsync("nodes", null, "Label nodes by server group", async () =>
                {
                    await AllAsync(unlabelled, server => LabelNodeAsync(cluster.Client, server.Name, server.Group, ct));
                    return $"{unlabelled.Count} labelled";
                });
            return cluster;
        }
        catch
        {
            if (access is not null)
            {
                try { await (await access).DisposeAsync(); }
                catch (Exception) { /* the first error is the one reported */ }
            }
            throw;
        }
    }

    private static string NodeLabel(string group) => $"{Names.NodeLabel}={group}";

    private static string PrivateIp(ServerInfo server) =>
        server.PrivateIPv4 ?? throw new NvoiException($"server {server.Name} has no private IPv4 address yet; run the deploy again");

    private Task<ClusterAccess> OpenClusterAsync(IRemoteHost masterHost, CancellationToken ct) =>
        ClusterConnection.OpenAsync(_world, masterHost, ct);

    private async Task LabelNodeAsync(IKubernetes client, string node, string group, CancellationToken ct)
    {
        var deadline = _world.Time.GetUtcNow() + _options.RolloutTimeout;
        var patch = new V1Patch(new { metadata = new { labels = new Dictionary<string, string> { [Names.NodeLabel] = group } } }, V1Patch.PatchType.MergePatch);
        while (true)
        {
            try
            {
                await client.CoreV1.PatchNodeAsync(patch, node, cancellationToken: ct);
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                if (_world.Time.GetUtcNow() >= deadline)
                    throw new NvoiException($"node {node} did not register with the cluster within {_options.RolloutTimeout.TotalMinutes:0} minutes");
                await Task.Delay(TimeSpan.FromSeconds(2), _world.Time, ct);
            }
        }
    }

    private async Task<bool> AcquireLockAsync(IRemoteHost master, CancellationToken ct)
    {
        await _steps.RunAsync("lock", null, "Take the deploy lock", async () =>
        {
            // A deploy from this machine that was killed is provably gone: its lock is taken over.
            var result = await LockHolder.AcquireAsync(master, _desired.Names.DeployLockPath, _options.Holder, _world.Time.GetUtcNow(),
                _options.NvoiVersion, _options.LockStaleAfter, _options.IsProcessRunning,
                dead => _steps.Message("lock", $"the deploy that held the lock ({dead.Who}) is gone: took its lock over", MessageLevel.Warning), ct);
            if (result is LockResult.HeldBy holder)
                throw new DeployLockedException(holder.Lock, _world.Time.GetUtcNow());
            return "taken";
        });
        return true;
    }

    private async Task ReleaseLockAsync(IRemoteHost master)
    {
        // Released even when the deploy was cancelled.
        await _steps.RunAsync("unlock", null, "Release the deploy lock", async () =>
        {
            await ServerSetup.ReleaseDeployLockAsync(master, _desired.Names.DeployLockPath, CancellationToken.None);
            return "released";
        });
    }

    /// <summary>
    /// The build context's digest (Dockerfile, files, platform): when the running app was built from
    /// the same, nothing is rebuilt. Hashed once per run (plan and deploy share it).
    /// </summary>
    private Task<string> PrepareImageAsync(CancellationToken ct)
    {
        lock (_once) return _digest ??= HashAsync();

        async Task<string> HashAsync()
        {
            var request = await BuildRequestAsync("", "", ct);
            request.EnsureInputsExist();
            return await Task.Run(() => BuildContextHasher.Digest(request), ct);
        }
    }

    private readonly object _once = new();
    private Task<string>? _digest;
    private Task<CpuArchitecture>? _architecture;

    private async Task<BuildRequest> BuildRequestAsync(string tag, string registry, CancellationToken ct)
    {
        Task<CpuArchitecture> architecture;
        lock (_once) architecture = _architecture ??= _world.Cloud.GetArchitectureAsync(_desired.Master.ServerType, ct);
        var arch = await architecture;
        return new BuildRequest(_options.WorkingDirectory, ImageConstants.PlatformFor(arch), _desired.Names.Prefix, tag, registry, _options.DockerfilePath);
    }

    /// <summary>What the rollout applies: the manifests, and the image tag to build (null when the running one is reused).</summary>
    private sealed record Workloads(ClusterManifests Manifests, string? Tag);

    /// <summary>
    /// Reads the running image and builds the manifests as soon as the API is open (while the workers join):
    /// an image built from the same context is running already, so nothing is rebuilt.
    /// </summary>
    private async Task<Workloads> PrepareWorkloadsAsync(Task<ClusterAccess> access, Task<IReadOnlyDictionary<string, string>> tunnels,
        Task<string> build, CancellationToken ct)
    {
        var client = (await access).Client;
        var live = await LiveAppImageAsync(client, ct);
        var sourceDigest = await build;
        var unchanged = live is not null && live.Value.Digest == sourceDigest;
        var tag = unchanged ? null : NextTag(live?.Image);
        var image = unchanged ? live!.Value.Image : $"localhost:{Names.RegistryPort}/{_desired.Names.Prefix}:{tag}";
        return new Workloads(ClusterState.Build(_config, image, sourceDigest, await tunnels), tag);
    }

    private async Task ApplyWorkloadsAsync(ClusterAccess cluster, IRemoteHost master, Workloads workloads, CancellationToken ct)
    {
        var client = cluster.Client;
        var (manifests, tag) = workloads;
        var unchanged = tag is null;

        // The image is pushed as soon as the in-cluster registry runs, while the database rolls out.
        async Task PushAsync() => await _steps.RunAsync("image", "workloads", $"Image {_desired.Names.Prefix}", async () =>
        {
            if (unchanged) return "unchanged: not rebuilt";
            await using var registry = await master.ForwardLocalPortAsync("127.0.0.1", Names.RegistryPort, ct);
            var request = await BuildRequestAsync(tag!, $"{registry.LocalHost}:{registry.LocalPort}", ct);
            await _world.ImageBuilder.BuildAndPushAsync(request, _steps.Sink, "image", ct);
            return "built and pushed";
        });

        await _steps.RunAsync("workloads", null, "Roll out workloads", async () =>
        {
            var deployer = new ClusterDeployer(new Applier(client), new RolloutWatcher(client, _world.Time)) { Timeout = _options.RolloutTimeout };
            var pruned = await deployer.DeployAsync(_desired.Names.App, manifests, s => _steps.Message("workloads", s, MessageLevel.Detail), ct, PushAsync);
            return pruned.Count == 0 ? "rolled out" : $"rolled out; removed {string.Join(", ", pruned)}";
        });
    }

    /// <summary>
    /// The tag of a new image: the current time (yyyyMMddHHmmss, as 0.2.0), but always after the running
    /// image's tag, so two deploys within one second never share a tag (and a migration Job named after it).
    /// </summary>
    private string NextTag(string? liveImage)
    {
        var tag = ImageConstants.TagFor(_world.Time);
        var liveTag = liveImage?[(liveImage.LastIndexOf(':') + 1)..];
        if (liveTag is null || string.CompareOrdinal(tag, liveTag) > 0 ||
            !DateTime.TryParseExact(liveTag, "yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var last))
            return tag;
        return last.AddSeconds(1).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The image and source digest of the running app, from any of its Deployments (all read at once).</summary>
    private async Task<(string Image, string Digest)?> LiveAppImageAsync(IKubernetes client, CancellationToken ct)
    {
        var reads = _config.Application.App.Keys.Select(async service =>
        {
            try
            {
                var d = await client.AppsV1.ReadNamespacedDeploymentAsync(_desired.Names.AppDeployment(service), ClusterLabels.Namespace, cancellationToken: ct);
                return d.Metadata.Annotations?.TryGetValue(ClusterState.SourceDigestAnnotation, out var digest) == true
                    ? (d.Spec.Template.Spec.Containers[0].Image, digest)
                    : ((string Image, string Digest)?)null;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null;
            }
        });
        return (await Task.WhenAll(reads)).FirstOrDefault(r => r is not null); // the first service's, in config order
    }

    private Task PruneImagesAsync(IRemoteHost master, CancellationToken ct) =>
        _steps.RunAsync("prune-images", null, $"Keep the {_config.Application.KeepCountValue} newest images", async () =>
        {
            var removed = await ServerSetup.PruneImagesAsync(master, $"localhost:{Names.RegistryPort}/{_desired.Names.Prefix}", _config.Application.KeepCountValue, ct);
            return removed.Count == 0 ? "nothing to remove" : $"{removed.Count} removed";
        });
}

/// <summary>Another deploy holds the lock.</summary>
public sealed class DeployLockedException(LockInfo holder, DateTimeOffset now) : NvoiException(
    $"another deploy holds the lock: {holder.Who} since {holder.Since:u} ({Age(now - holder.Since)} ago{(holder.Version.Length > 0 ? ", nvoi " + holder.Version : "")}). " +
    "If that deploy is dead, run `nvoi unlock`.")
{
    public LockInfo Holder => holder;

    private static string Age(TimeSpan t) => t.TotalMinutes < 1 ? $"{t.TotalSeconds:0}s" : t.TotalHours < 1 ? $"{t.TotalMinutes:0}m" : $"{t.TotalHours:0.0}h";
}
