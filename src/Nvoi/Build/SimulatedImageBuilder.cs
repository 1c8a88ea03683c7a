using Nvoi.Operations.Progress;

namespace Nvoi.Build;

/// <summary>
/// The sandbox builder (no Docker engine): checks the Dockerfile, hashes the context as the image's
/// digest (same context, same digest, so a second deploy sees no change) and hands the "pushed"
/// image to <c>onPushed</c>, which stores it in the simulated master's containerd.
/// </summary>
public sealed class SimulatedImageBuilder(Action<BuiltImage> onPushed, TimeProvider? time = null) : IImageBuilder
{
    public const string Notice = "simulated build: no Docker engine in the sandbox";
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task<BuiltImage> BuildAndPushAsync(BuildRequest request, IProgressSink progress, string stepId, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        request.EnsureInputsExist();
        CheckHasFrom(request.ResolvedDockerfile);
        progress.Report(new ProgressMessage(stepId, MessageLevel.Info, Notice) { At = _time.GetUtcNow() });
        var image = new BuiltImage(request.LocalTag, request.ClusterImage, BuildContextHasher.Digest(request));
        onPushed(image);
        return Task.FromResult(image);
    }

    /// <summary>The first instruction (after comments, parser directives and ARGs) must be FROM.</summary>
    internal static void CheckHasFrom(string dockerfile)
    {
        foreach (var raw in File.ReadLines(dockerfile))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var instruction = line.Split((char[])[' ', '\t'], 2)[0].ToUpperInvariant();
            if (instruction == "ARG") continue;
            if (instruction == "FROM") return;
            break;
        }
        throw new ImageBuildException($"{dockerfile} does not start with a FROM instruction");
    }
}
