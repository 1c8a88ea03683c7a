using k8s;
using k8s.Models;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Credentials;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>The image is built from the build context and pushed to the in-cluster registry.</summary>
public sealed record BuildImage(string Prefix, string Reason, string? LiveImage) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.Create, "image", Prefix, Reason)];
}

/// <summary>A rollback: a tag kept in the cluster registry is rolled out again (checked there, not rebuilt).</summary>
public sealed record RollBackImage(string Prefix, string Tag) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.Update, "image", Prefix, $"roll back to {Tag} (kept in the registry: not rebuilt)")];
}

/// <summary>The running image was built from the same context: it is deployed again, not rebuilt.</summary>
public sealed record ReuseImage(string Prefix, string Image) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.None, "image", Prefix, "build context unchanged")];
}

/// <summary>No cluster to compare with yet: every manifest is applied.</summary>
public sealed record ApplyAllWorkloads(string App) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.Create, "workloads", App, "no cluster yet: apply every manifest")];
}

/// <summary>A rollout with changes is recorded in the deploy history (ConfigMap <see cref="DeployHistory.ConfigMapName"/>).</summary>
public sealed record RecordDeploy(bool Exists) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() =>
        [new(Exists ? PlanActionKind.Update : PlanActionKind.Create, "deploy history", DeployHistory.ConfigMapName, "records this rollout")];
}

/// <summary>The image and the cluster's objects: compared by applied hash (see <see cref="ClusterState"/>).</summary>
internal static class WorkloadsStep
{
    public static IEnumerable<PlannedChange> Plan(DesiredState desired, ClusterPlan? cluster)
    {
        if (cluster is null)
        {
            yield return new BuildImage(desired.Names.Prefix, "no cluster yet: build and push", null);
            yield return new ApplyAllWorkloads(desired.Names.App);
            yield break;
        }
        yield return cluster.Image;
        foreach (var o in cluster.Objects) yield return o;
        // A deploy that changes nothing in the cluster records nothing.
        if (cluster.Image is BuildImage or RollBackImage || cluster.Objects.Any(o => o is ApplyObject or DeleteObject))
            yield return new RecordDeploy(cluster.HistoryExists);
    }

    /// <summary>Whether the rollout is recorded in the deploy history.</summary>
    public static bool Records(Plan plan) => plan.ChangesOf<RecordDeploy>().Any() || plan.ChangesOf<ApplyAllWorkloads>().Any();
}

/// <summary>Steps "image" and "workloads": the image built or reused, every manifest rolled out, the rest pruned.</summary>
public sealed partial class Deployer
{
    /// <summary>
    /// The build context's digest (Dockerfile, files, platform): when the running app was built from
    /// the same, nothing is rebuilt. Hashed once per run (plan and deploy share it).
    /// </summary>
    private Task<string> PrepareImageAsync(CancellationToken ct)
    {
        if (_options.ImageTag is { } kept) return Task.FromResult(Rollback.KeptImages.RollbackDigest(kept));
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
    private async Task<Workloads> PrepareWorkloadsAsync(Plan plan, Task<ClusterAccess> access, Task<IReadOnlyDictionary<string, string>> tunnels,
        Task<string> build, CancellationToken ct)
    {
        var client = (await access).Client;
        var sourceDigest = await build;
        string? tag = null;
        string image;
        if (plan.ChangesOf<ReuseImage>().FirstOrDefault() is { } reuse) image = reuse.Image;
        else
        {
            // Read again for the tag only: a run killed after its push may have rolled the tag out.
            var live = await LiveAppImageAsync(client, ct);
            tag = _options.ImageTag ?? NextTag(live?.Image);
            image = $"localhost:{Names.RegistryPort}/{_desired.Names.Prefix}:{tag}";
        }
        return new Workloads(ClusterState.Build(_config, image, sourceDigest, await tunnels), tag);
    }

    /// <summary>
    /// What the rollout sends: every object but those the plan found up to date (an object named after the new
    /// tag, such as a migration Job, was planned under a placeholder name), and the plan's deletes; with no
    /// cluster to compare with, every object and no delete.
    /// </summary>
    private static RolloutSelection Selection(Plan plan, Func<Task>? beforeDeletes)
    {
        if (plan.ChangesOf<ApplyAllWorkloads>().Any()) return new RolloutSelection(_ => true, [], beforeDeletes);
        var upToDate = plan.ChangesOf<KeepObject>().Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        return new RolloutSelection(o => !upToDate.Contains(ClusterState.Key(o)), plan.ChangesOf<DeleteObject>().Select(d => (d.Kind, d.Name)).ToList(), beforeDeletes);
    }

    private async Task ApplyWorkloadsAsync(Plan plan, ClusterAccess cluster, IRemoteHost master, Workloads workloads, CancellationToken ct)
    {
        var client = cluster.Client;
        var (manifests, tag) = workloads;
        var unchanged = tag is null;

        // The image is pushed as soon as the in-cluster registry runs, while the database rolls out.
        async Task PushAsync() => await _steps.RunAsync("image", "workloads", $"Image {_desired.Names.Prefix}", async () =>
        {
            if (unchanged) return "unchanged: not rebuilt";
            if (_options.ImageTag is { } kept) return await Rollback.KeptImages.EnsureInRegistryAsync(master, _desired.Names.Prefix, kept, ct);
            await using var registry = await master.ForwardLocalPortAsync("127.0.0.1", Names.RegistryPort, ct);
            var request = await BuildRequestAsync(tag!, $"{registry.LocalHost}:{registry.LocalPort}", ct);
            await _world.ImageBuilder.BuildAndPushAsync(request, _steps.Sink, "image", ct);
            return "built and pushed";
        });

        await _steps.RunAsync("workloads", null, "Roll out workloads", async () =>
        {
            var deployer = new ClusterDeployer(new Applier(client), new RolloutWatcher(client, _world.Time)) { Timeout = _options.RolloutTimeout };
            var pruned = await deployer.DeployAsync(_desired.Names.App, manifests, s => _steps.Message("workloads", s, MessageLevel.Detail), ct, PushAsync,
                Selection(plan, () => RemoveTunnelsAsync(plan, ct)));
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

    /// <summary>For a plan: the cluster's objects compared with what a deploy would apply (null when there is no cluster yet).</summary>
    private async Task<ClusterPlan?> ObserveClusterAsync(LiveState live, CancellationToken ct)
    {
        if (!live.Servers.TryGetValue(_desired.Master.Name, out var master) || master.PublicIPv4 is null) return null;
        return await _steps.RunAsync("observe-cluster", null, "Read the cluster", async () =>
        {
            var host = _world.Host(master);
            foreach (var server in _desired.Servers)
                if (live.Servers.TryGetValue(server.Name, out var info) && info.PublicIPv4 is not null &&
                    await (server.IsMaster ? ServerSetup.IsK3sActiveAsync(_world.Host(info), ct) : ServerSetup.IsK3sAgentActiveAsync(_world.Host(info), ct)))
                    live.K3sActive.Add(server.Name);
            if (!live.K3sActive.Contains(master.Name)) return new StepOutcome<ClusterPlan?>(null, "no cluster yet");

            await using var access = await OpenClusterAsync(host, ct);
            live.Nvoi020 = await ObserveNvoi020Async(host, access.Client, ct);
            var liveObjects = await new Applier(access.Client).ListManagedAsync(_desired.Names.App, ClusterState.HashAnnotation, ct);
            var digest = await PrepareImageAsync(ct);
            var liveImage = await LiveAppImageAsync(access.Client, ct);
            var tokens = await TunnelTokensAsync(ct);
            live.NodeLabels = await ReadNodeLabelsAsync(access.Client, ct);
            live.ClusterObjects = new Dictionary<string, string?>(liveObjects);
            var historyExists = (await DeployHistory.ReadAsync(access.Client, ct)).Count > 0;
            PlannedChange imageChange;
            string image;
            if (liveImage is not null && liveImage.Value.Digest == digest)
            {
                imageChange = new ReuseImage(_desired.Names.Prefix, liveImage.Value.Image);
                image = liveImage.Value.Image;
            }
            else
            {
                imageChange = _options.ImageTag is { } kept
                    ? new RollBackImage(_desired.Names.Prefix, kept)
                    : new BuildImage(_desired.Names.Prefix, liveImage is null ? "not deployed yet" : "build context changed", liveImage?.Image);
                image = "localhost:30500/" + _desired.Names.Prefix + ":" + (_options.ImageTag ?? "next");
            }
            var manifests = ClusterState.Build(_config, image, digest, tokens);
            var objects = ClusterState.Diff(manifests.All, liveObjects);
            await ObserveRemovedTunnelsAsync(live, ct);
            return new StepOutcome<ClusterPlan?>(new ClusterPlan(imageChange, objects, historyExists), $"{liveObjects.Count} objects");
        });
    }
}
