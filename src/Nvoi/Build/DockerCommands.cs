namespace Nvoi.Build;

/// <summary>The docker invocations of a build, as argv arrays (pure; unit tested without an engine).</summary>
public static class DockerCommands
{
    /// <summary><c>docker build --platform X --cache-from P:latest -t P:TAG -t P:latest -f Dockerfile ctx</c>.</summary>
    public static IReadOnlyList<string> Build(BuildRequest r) =>
    [
        "build", "--platform", r.Platform, "--cache-from", r.LatestTag,
        "-t", r.LocalTag, "-t", r.LatestTag, "-f", r.ResolvedDockerfile, r.ContextDirectory,
    ];

    /// <summary><c>docker tag P:TAG HOSTPORT/P:TAG</c>.</summary>
    public static IReadOnlyList<string> Tag(BuildRequest r) => ["tag", r.LocalTag, r.PushTag];

    /// <summary><c>docker push HOSTPORT/P:TAG</c>.</summary>
    public static IReadOnlyList<string> Push(BuildRequest r) => ["push", r.PushTag];

    /// <summary><c>docker image inspect --format {{.Id}} P:TAG</c>: the image id, when push printed no digest.</summary>
    public static IReadOnlyList<string> InspectId(BuildRequest r) => ["image", "inspect", "--format", "{{.Id}}", r.LocalTag];

    /// <summary><c>docker info --format {{.ServerVersion}}</c>: fails when no engine answers.</summary>
    public static IReadOnlyList<string> Info() => ["info", "--format", "{{.ServerVersion}}"];

    /// <summary>The manifest digest from a push output line such as <c>20260101: digest: sha256:ab.. size: 1234</c>.</summary>
    public static string? DigestFromPushLine(string line)
    {
        var at = line.IndexOf("digest: sha256:", StringComparison.Ordinal);
        if (at < 0) return null;
        var start = at + "digest: ".Length;
        var end = start + "sha256:".Length;
        while (end < line.Length && Uri.IsHexDigit(line[end])) end++;
        return end - start == "sha256:".Length + 64 ? line[start..end] : null;
    }

    /// <summary>The full path of <paramref name="name"/> in a PATH-style list, or null.</summary>
    public static string? FindOnPath(string? pathVariable, string name = "docker")
    {
        foreach (var dir in (pathVariable ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
