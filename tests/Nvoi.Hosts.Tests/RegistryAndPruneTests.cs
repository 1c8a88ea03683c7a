using Nvoi.Build;
using Nvoi.Hosts.Tests.Contracts;
using Nvoi.Hosts.Tests.Real;
using Nvoi.Operations.Progress;
using Nvoi.Sandbox.Hosts;

namespace Nvoi.Hosts.Tests;

/// <summary>
/// A real <c>docker build</c> of the sqlite example pushed through nvoi's SSH forward into the registry on a
/// test host, pulled back and compared by digest; then the node's containerd pulls those tags from that
/// registry and prune-images removes the old ones.
/// </summary>
[Collection(RealHostCollection.Name)]
public sealed class RegistryAndPruneOnARealHost(RealHostFixture fixture)
{
    private RealHost Real => fixture.Host;

    [Fact]
    public async Task Build_push_through_the_forward_pull_back_and_prune()
    {
        await BusyboxBase.EnsureAsync();
        var context = Path.Combine(Tool.RepositoryRoot, "examples", "sqlite");
        await using var forward = await Real.Host.ForwardLocalPortAsync("127.0.0.1", 30500);
        var registry = $"127.0.0.1:{forward.LocalPort}";
        var request = new BuildRequest(context, "linux/amd64", "nvoi-app", PruneImagesContract.Tags[0], registry);
        List<string> pushed = [request.PushTag];
        try
        {
            await BuildPushPullAndPruneAsync(request, registry, pushed);
        }
        finally
        {
            // The tags name this run's forward port: leave none behind in the engine.
            await Tool.RunAsync("docker", ["rmi", .. pushed]);
        }
    }

    private async Task BuildPushPullAndPruneAsync(BuildRequest request, string registry, List<string> pushed)
    {
        // Debian's docker.io client (its classic builder); a newer client elsewhere on PATH may need buildx.
        var client = File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : null;
        var built = await new DockerImageBuilder(client).BuildAndPushAsync(request, NullProgressSink.Instance, "build", default);
        Assert.Matches("^sha256:[0-9a-f]{64}$", built.ContentDigest);
        Assert.Equal($"localhost:30500/nvoi-app:{PruneImagesContract.Tags[0]}", built.ClusterImage);

        // The registry inside the host holds that manifest, under the digest docker reported.
        var head = await Real.Host.RunAsync(["curl", "-sfI", "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json",
            $"http://localhost:30500/v2/nvoi-app/manifests/{PruneImagesContract.Tags[0]}"]);
        Assert.True(head.Succeeded, head.Stderr);
        Assert.Contains($"docker-content-digest: {built.ContentDigest}", head.Stdout.ToLowerInvariant());

        // Pulled back (the local copy removed first), the image has the same digest and id.
        var id = await Tool.OkAsync("docker", "image", "inspect", "--format", "{{.Id}}", request.LocalTag);
        await Tool.OkAsync("docker", "rmi", request.PushTag);
        await Tool.OkAsync("docker", "pull", "--quiet", request.PushTag);
        Assert.Contains($"{registry}/nvoi-app@{built.ContentDigest}",
            await Tool.OkAsync("docker", "image", "inspect", "--format", "{{join .RepoDigests \" \"}}", request.PushTag));
        Assert.Equal(id, await Tool.OkAsync("docker", "image", "inspect", "--format", "{{.Id}}", request.PushTag));

        // The other tags of the prune contract: the same image, pushed under each.
        foreach (var tag in PruneImagesContract.Tags.Skip(1).Append("other"))
        {
            var name = tag == "other" ? $"{registry}/nvoi-other:1" : $"{registry}/nvoi-app:{tag}";
            pushed.Add(name);
            await Tool.OkAsync("docker", "tag", request.LocalTag, name);
            await Tool.OkAsync("docker", "push", "--quiet", name);
        }
        await PruneImagesContract.KeepsNewestLatestAndInUseAsync(new RealImages(Real), "localhost:30500/nvoi-other:1");
        await PruneImagesContract.NothingRemovedWhenPodsCannotBeListedAsync(new RealImages(Real), "localhost:30500/nvoi-other:1");
    }
}

public sealed class PruneOnTheSimulatedHost
{
    private sealed class SimulatedImages(SimulatedContractHost server) : IContractImages
    {
        public Nvoi.Remote.IRemoteHost Host => server.Host;

        public Task SeedAsync(IReadOnlyList<string> references, IReadOnlyList<string>? inUse) =>
            ((SimulatedHost)server.Host).UpdateStateAsync(s =>
            {
                s.Images.UnionWith(references);
                if (inUse is not null) s.ImagesInUse.UnionWith(inUse);
            });

        public async Task<IReadOnlyList<string>> ListAsync() => [.. (await ((SimulatedHost)server.Host).ReadStateAsync()).Images];
    }

    [Fact]
    public async Task Keeps_the_newest_latest_and_images_in_use()
    {
        using var host = new SimulatedContractHost();
        await PruneImagesContract.KeepsNewestLatestAndInUseAsync(new SimulatedImages(host), "localhost:30500/nvoi-other:1");
    }
}
