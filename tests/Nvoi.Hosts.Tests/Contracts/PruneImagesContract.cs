using Nvoi.Remote;

namespace Nvoi.Hosts.Tests.Contracts;

/// <summary>The images of a node (containerd's k8s.io namespace) and the ones its pods use.</summary>
public interface IContractImages
{
    IRemoteHost Host { get; }

    /// <summary>Puts <paramref name="references"/> on the node; <paramref name="inUse"/> are what pods run (null: the API cannot be reached).</summary>
    Task SeedAsync(IReadOnlyList<string> references, IReadOnlyList<string>? inUse);

    /// <summary>The image references on the node.</summary>
    Task<IReadOnlyList<string>> ListAsync();
}

/// <summary>prune-images: keeps the newest KEEP tags, latest, other repositories and anything a pod uses.</summary>
public static class PruneImagesContract
{
    public const string Repository = "localhost:30500/nvoi-app";
    public static readonly string[] Tags = ["20260101000001", "20260101000002", "20260101000003", "20260101000004", "20260101000005", "latest"];

    public static async Task KeepsNewestLatestAndInUseAsync(IContractImages node, string otherRepositoryImage)
    {
        var refs = Tags.Select(t => $"{Repository}:{t}").Append(otherRepositoryImage).ToArray();
        await node.SeedAsync(refs, [$"{Repository}:20260101000002", "docker.io/library/postgres:16"]);
        Assert.Superset(refs.ToHashSet(), (await node.ListAsync()).ToHashSet());

        var removed = await ServerSetup.PruneImagesAsync(node.Host, Repository, keep: 2);
        Assert.Equal([$"{Repository}:20260101000003", $"{Repository}:20260101000001"], removed);
        var left = (await node.ListAsync()).Where(refs.Contains).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "20260101000002", "20260101000004", "20260101000005", "latest" }.Select(t => $"{Repository}:{t}")
            .Append(otherRepositoryImage).Order(StringComparer.Ordinal), left);

        Assert.Empty(await ServerSetup.PruneImagesAsync(node.Host, Repository, keep: 2));
    }

    public static async Task NothingRemovedWhenPodsCannotBeListedAsync(IContractImages node, string otherRepositoryImage)
    {
        var refs = Tags.Select(t => $"{Repository}:{t}").ToArray();
        await node.SeedAsync(refs, inUse: null);
        var ex = await Assert.ThrowsAsync<HostSetupException>(() => ServerSetup.PruneImagesAsync(node.Host, Repository, keep: 1));
        Assert.Equal(9, ex.ScriptExitCode);
        Assert.Superset(refs.ToHashSet(), (await node.ListAsync()).ToHashSet());
    }
}
