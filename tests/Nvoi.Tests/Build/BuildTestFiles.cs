namespace Nvoi.Tests.Build;

/// <summary>A temporary build context and fake docker scripts for the build tests.</summary>
internal sealed class BuildTestFiles : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("nvoi-build-").FullName;
    public string Context => Path.Combine(Root, "app");
    public string BinDir => Path.Combine(Root, "bin");
    public string CallLog => Path.Combine(Root, "calls.log");

    public BuildTestFiles()
    {
        Directory.CreateDirectory(Context);
        Directory.CreateDirectory(BinDir);
    }

    public string Write(string relative, string content)
    {
        var path = Path.Combine(Context, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes an executable <c>bin/docker</c> that logs its argv (one item a line, "---" between calls) then runs <paramref name="body"/>.</summary>
    public string FakeDocker(string body)
    {
        var path = Path.Combine(BinDir, "docker");
        File.WriteAllText(path, $"""
            #!/bin/sh
            echo "---" >> '{CallLog}'
            echo "DOCKER_BUILDKIT=$DOCKER_BUILDKIT" >> '{CallLog}'
            for a in "$@"; do printf '%s\n' "$a" >> '{CallLog}'; done
            {body}
            """.Replace("\r", ""));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The argv of each recorded call.</summary>
    public List<List<string>> Calls()
    {
        var calls = new List<List<string>>();
        foreach (var line in File.ReadAllLines(CallLog))
        {
            if (line == "---") calls.Add([]);
            else calls[^1].Add(line);
        }
        return calls;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>Collects progress events.</summary>
internal sealed class RecordingSink : Nvoi.Operations.Progress.IProgressSink
{
    public List<Nvoi.Operations.Progress.ProgressEvent> Events { get; } = [];
    public void Report(Nvoi.Operations.Progress.ProgressEvent e) { lock (Events) Events.Add(e); }
}
