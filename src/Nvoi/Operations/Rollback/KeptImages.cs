using k8s;
using Nvoi.Build;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Operations.Deploy;
using Nvoi.Remote;

namespace Nvoi.Operations.Rollback;

/// <summary>One image kept in the cluster registry: its tag, when it was built, when it was last deployed, and whether it runs now.</summary>
public sealed record KeptImage(string Tag, DateTimeOffset? Created, DateTimeOffset? DeployedAt, bool Running, bool Previous);

/// <summary>The app's kept images, newest first, and the tag the app runs now (null: none of them).</summary>
public sealed record KeptImageList(string App, string? Running, string? Previous, IReadOnlyList<KeptImage> Images)
{
    public KeptImage? Find(string tag) => Images.FirstOrDefault(i => i.Tag == tag);
}

/// <summary>
/// What `nvoi rollback` can go back to: the tags of the app's repository in the in-cluster registry (its storage is
/// on the master, so they outlive a registry restart), their build times from the registry, when each was deployed
/// from the deploy history, and the running one from the app's Deployment.
/// </summary>
public static class KeptImages
{
    /// <summary>The source digest a rolled-back Deployment carries: the next deploy never mistakes it for its build context.</summary>
    public static string RollbackDigest(string tag) => "rollback:" + tag;

    /// <summary>Reads the kept images of the deployed app (it must be deployed).</summary>
    public static async Task<KeptImageList> ListAsync(DeployConfig config, IWorld world, CancellationToken ct)
    {
        var desired = new DesiredState(config);
        var names = desired.Names;
        var master = world.Host(await ClusterConnection.FindMasterAsync(world, desired, ct));
        await using var cluster = await ClusterConnection.OpenAsync(world, master, ct);
        var history = DeployHistory.ReadAsync(cluster.Client, ct);
        var running = RunningTagAsync(cluster.Client, config, names, ct);
        var images = RegistryImagesAsync(master, names.Prefix, ct);
        await Task.WhenAll(history, running, images);

        var previous = PreviousTag(history.Result, running.Result);
        var kept = images.Result
            .Select(i => new KeptImage(i.Tag, i.Created, LastDeployed(history.Result, i.Tag), i.Tag == running.Result, i.Tag == previous))
            .OrderByDescending(i => i.Tag, StringComparer.Ordinal)
            .ToList();
        return new KeptImageList(names.App, running.Result, previous, kept);
    }

    /// <summary>Every tag of <paramref name="repository"/> in the registry with its build time, read through a forward from the master.</summary>
    public static async Task<IReadOnlyList<RegistryImage>> RegistryImagesAsync(IRemoteHost master, string repository, CancellationToken ct)
    {
        await using var forward = await master.ForwardLocalPortAsync("127.0.0.1", Names.RegistryPort, ct);
        using var registry = RegistryClient.ForForward(forward.LocalHost, forward.LocalPort);
        var tags = (await registry.ListTagsAsync(repository, ct)).Where(t => t != "latest").ToList();
        var images = await Task.WhenAll(tags.Select(t => registry.GetImageAsync(repository, t, ct)));
        return images.Where(i => i is not null).Select(i => i!).ToList();
    }

    /// <summary>Fails clearly unless the registry has <paramref name="repository"/>:<paramref name="tag"/>; returns the step's summary.</summary>
    public static async Task<string> EnsureInRegistryAsync(IRemoteHost master, string repository, string tag, CancellationToken ct)
    {
        await using var forward = await master.ForwardLocalPortAsync("127.0.0.1", Names.RegistryPort, ct);
        using var registry = RegistryClient.ForForward(forward.LocalHost, forward.LocalPort);
        if (await registry.GetImageAsync(repository, tag, ct) is not null) return $"kept tag {tag}: not rebuilt";
        var tags = (await registry.ListTagsAsync(repository, ct)).Where(t => t != "latest").OrderDescending(StringComparer.Ordinal).ToList();
        throw new NvoiException($"the cluster registry has no image {repository}:{tag}; kept tags: {(tags.Count == 0 ? "none" : string.Join(", ", tags))}");
    }

    /// <summary>
    /// The tag to go back to from <paramref name="current"/>: the newest successfully rolled-out tag of the history
    /// other than it (null when there is none).
    /// </summary>
    public static string? PreviousTag(IReadOnlyList<DeployRecord> history, string? current) =>
        history.LastOrDefault(r => r.Result == DeployRecord.Succeeded && r.Tag.Length > 0 && r.Tag != current)?.Tag;

    private static DateTimeOffset? LastDeployed(IReadOnlyList<DeployRecord> history, string tag) =>
        history.LastOrDefault(r => r.Tag == tag && r.Result == DeployRecord.Succeeded)?.At;

    /// <summary>The tag of the app's running image (its first service's Deployment), null when not deployed.</summary>
    private static async Task<string?> RunningTagAsync(IKubernetes client, DeployConfig config, Names names, CancellationToken ct)
    {
        foreach (var service in config.Application.App.Keys)
        {
            try
            {
                var d = await client.AppsV1.ReadNamespacedDeploymentAsync(names.AppDeployment(service), ClusterLabels.Namespace, cancellationToken: ct);
                return DeployHistory.TagOf(d.Spec.Template.Spec.Containers[0].Image);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
            }
        }
        return null;
    }
}
