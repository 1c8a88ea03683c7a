using Nvoi.Operations.Progress;

namespace Nvoi.Build;

/// <summary>
/// Builds with the local docker client: build (tags P:TAG and P:latest, cache from P:latest),
/// tag for the tunnelled registry, push. Every argument is its own argv item; no shell is involved.
/// </summary>
public sealed class DockerImageBuilder : IImageBuilder
{
    private readonly string? _docker;
    private readonly TimeProvider _time;

    /// <param name="dockerExecutable">Full path of the docker client; null finds <c>docker</c> on PATH.</param>
    /// <param name="time">Stamps the progress events.</param>
    public DockerImageBuilder(string? dockerExecutable = null, TimeProvider? time = null)
    {
        _docker = dockerExecutable ?? DockerCommands.FindOnPath(Environment.GetEnvironmentVariable("PATH"));
        _time = time ?? TimeProvider.System;
    }

    public async Task<BuiltImage> BuildAndPushAsync(BuildRequest request, IProgressSink progress, string stepId, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        request.EnsureInputsExist();
        if (_docker is null)
            throw new ImageBuildException("docker is not installed (no docker on PATH): nvoi deploy builds the app image with it");
        var docker = new DockerProcess(_docker);
        var forward = DockerProcess.ToProgress(progress, stepId, _time);

        Report(progress, stepId, $"building {request.LocalTag} for {request.Platform}");
        await RunOrThrowAsync(docker, DockerCommands.Build(request), forward, $"docker build of {request.LocalTag} failed", ct);
        await RunOrThrowAsync(docker, DockerCommands.Tag(request), forward, $"docker tag {request.PushTag} failed", ct);

        Report(progress, stepId, $"pushing {request.PushTag}");
        string? digest = null;
        await RunOrThrowAsync(docker, DockerCommands.Push(request), line =>
        {
            digest ??= DockerCommands.DigestFromPushLine(line);
            forward(line);
        }, $"docker push {request.PushTag} failed (is the registry tunnel open?)", ct);

        if (digest is null)
        {
            string? id = null;
            await RunOrThrowAsync(docker, DockerCommands.InspectId(request), line => id ??= line.Trim(), $"docker image inspect {request.LocalTag} failed", ct);
            digest = id;
        }
        if (string.IsNullOrEmpty(digest))
            throw new ImageBuildException($"docker did not report a digest for {request.LocalTag}");

        return new BuiltImage(request.LocalTag, request.ClusterImage, digest);
    }

    private static async Task RunOrThrowAsync(DockerProcess docker, IReadOnlyList<string> argv, Action<string> onLine, string failure, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var result = await docker.RunAsync(argv, onLine, ct);
        if (result.ExitCode == 0) return;
        var tail = result.Tail.Where(l => l.Trim().Length > 0).TakeLast(5).ToArray();
        var message = tail.Length == 0
            ? $"{failure} (exit code {result.ExitCode})"
            : $"{failure} (exit code {result.ExitCode}): {string.Join(" | ", tail.Select(l => l.Trim()))}";
        throw new ImageBuildException(message) { OutputTail = result.Tail };
    }

    private void Report(IProgressSink progress, string stepId, string text) =>
        progress.Report(new ProgressMessage(stepId, MessageLevel.Info, text) { At = _time.GetUtcNow() });
}
