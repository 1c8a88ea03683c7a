using System.Diagnostics;
using Nvoi.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>
/// Runs a real host script under <c>sh</c> with stub programs first in PATH. Every stub appends its
/// argv to <c>state/argv</c> (what <c>ps</c> would show); root-owned paths written through the
/// stub <c>sudo</c> land under <c>state/root</c>.
/// </summary>
internal sealed class StubbedShell : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nvoi-stubsh-");

    public StubbedShell()
    {
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(State);
    }

    public string Bin => Path.Combine(_dir.FullName, "bin");
    public string State => Path.Combine(_dir.FullName, "state");
    public string Work => _dir.FullName;

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Adds a stub; it logs "NAME ARGS..." to state/argv before running <paramref name="body"/>.</summary>
    public void Stub(string name, string body)
    {
        var path = Path.Combine(Bin, name);
        File.WriteAllText(path, $"#!/bin/sh\necho \"{name} $*\" >>\"$STUB_STATE/argv\"\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Read(string name) => File.Exists(Path.Combine(State, name)) ? File.ReadAllText(Path.Combine(State, name)) : "";

    public bool Exists(string name) => File.Exists(Path.Combine(State, name));

    public async Task<(int Code, string Stdout, string Stderr)> RunAsync(string script, params string[] args)
    {
        var file = Path.Combine(Work, script + ".sh");
        await File.WriteAllTextAsync(file, HostScripts.Text(script));
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Work };
        start.ArgumentList.Add(file);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["PATH"] = Bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["STUB_STATE"] = State;
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }
}
