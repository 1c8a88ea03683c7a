namespace Nvoi.Build;

/// <summary>Whether a Docker engine answers, and why not.</summary>
public sealed record DockerStatus(bool Available, string Reason);

/// <summary>Checks for a usable Docker engine with <c>docker info</c> (its exit code decides).</summary>
public static class DockerAvailability
{
    /// <summary>Looks for docker on the process PATH.</summary>
    public static Task<DockerStatus> CheckAsync(CancellationToken ct = default) =>
        CheckAsync(Environment.GetEnvironmentVariable("PATH"), ct);

    /// <summary>Looks for docker on <paramref name="pathVariable"/> (a PATH-style list).</summary>
    public static async Task<DockerStatus> CheckAsync(string? pathVariable, CancellationToken ct)
    {
        var docker = DockerCommands.FindOnPath(pathVariable);
        if (docker is null) return new DockerStatus(false, "docker is not installed (no docker on PATH)");
        var lines = new List<string>();
        DockerProcess.Result result;
        try
        {
            result = await new DockerProcess(docker).RunAsync(DockerCommands.Info(), lines.Add, ct);
        }
        catch (ImageBuildException ex)
        {
            return new DockerStatus(false, ex.Message);
        }
        var last = result.Tail.LastOrDefault(l => l.Trim().Length > 0)?.Trim();
        return result.ExitCode == 0
            ? new DockerStatus(true, $"Docker engine {last ?? "answers"}")
            : new DockerStatus(false, $"the Docker engine does not answer (docker info exited {result.ExitCode}){(last is null ? "" : ": " + last)}");
    }
}
