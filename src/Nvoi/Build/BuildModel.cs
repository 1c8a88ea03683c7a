using System.Globalization;
using Nvoi.Cloud;
using Nvoi.Operations.Progress;

namespace Nvoi.Build;

/// <summary>Builds the app image and pushes it to the in-cluster registry.</summary>
public interface IImageBuilder
{
    /// <summary>Builds <paramref name="request"/>, pushes it, and reports output lines under <paramref name="stepId"/>.</summary>
    Task<BuiltImage> BuildAndPushAsync(BuildRequest request, IProgressSink progress, string stepId, CancellationToken ct);
}

/// <summary>
/// What to build. <see cref="ImageName"/> is the resource prefix P (e.g. nvoi-myapp); the image is
/// tagged P:TAG and P:latest locally and pushed through <see cref="RegistryHostPort"/>, the local
/// end of an SSH tunnel to the cluster registry (NodePort 30500). No build args or secrets are passed.
/// </summary>
public sealed record BuildRequest(
    string ContextDirectory,
    string Platform,
    string ImageName,
    string Tag,
    string RegistryHostPort,
    string? DockerfilePath = null)
{
    /// <summary>The Dockerfile used: the given path, or Dockerfile in the context directory.</summary>
    public string ResolvedDockerfile => Path.GetFullPath(DockerfilePath ?? Path.Combine(ContextDirectory, "Dockerfile"));

    public string LocalTag => $"{ImageName}:{Tag}";
    public string LatestTag => $"{ImageName}:latest";
    public string PushTag => $"{RegistryHostPort}/{ImageName}:{Tag}";
    public string ClusterImage => $"{ImageConstants.ClusterRegistry}/{ImageName}:{Tag}";

    /// <summary>Throws <see cref="ImageBuildException"/> when the context or the Dockerfile is missing.</summary>
    public void EnsureInputsExist()
    {
        if (!Directory.Exists(ContextDirectory))
            throw new ImageBuildException($"build context {ContextDirectory} does not exist");
        if (!File.Exists(ResolvedDockerfile))
            throw new ImageBuildException($"no Dockerfile at {ResolvedDockerfile}: nvoi deploy builds the app image from it");
    }
}

/// <summary>The pushed image: <see cref="ClusterImage"/> is what pods pull.</summary>
public sealed record BuiltImage(string LocalTag, string ClusterImage, string ContentDigest);

/// <summary>Names and formats shared by the builders.</summary>
public static class ImageConstants
{
    /// <summary>The registry as the nodes see it (registries.yaml mirrors it to the in-cluster registry).</summary>
    public const string ClusterRegistry = "localhost:30500";

    /// <summary>The docker platform for a CPU architecture.</summary>
    public static string PlatformFor(CpuArchitecture architecture) => architecture switch
    {
        CpuArchitecture.Amd64 => "linux/amd64",
        CpuArchitecture.Arm64 => "linux/arm64",
        _ => throw new ArgumentOutOfRangeException(nameof(architecture)),
    };

    /// <summary>The image tag for now: UTC time as yyyyMMddHHmmss (0.2.0 used local time).</summary>
    public static string TagFor(TimeProvider time) =>
        time.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
}

/// <summary>The image could not be built or pushed.</summary>
public sealed class ImageBuildException : NvoiException
{
    public ImageBuildException(string message) : base(message) { }

    /// <summary>The last lines docker printed before it failed (may be empty).</summary>
    public IReadOnlyList<string> OutputTail { get; init; } = [];
}
