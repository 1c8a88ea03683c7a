using System.Diagnostics;

namespace Nvoi.Hosts.Tests.Real;

/// <summary>Runs a local program (docker, losetup) with argv items, no shell.</summary>
internal static class Tool
{
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string program, IEnumerable<string> args,
        Stream? stdin = null, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        if (stdin is not null) await stdin.CopyToAsync(p.StandardInput.BaseStream, ct);
        p.StandardInput.Close();
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs <paramref name="program"/> and returns its trimmed stdout; a failure throws with its stderr.</summary>
    public static async Task<string> OkAsync(string program, params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(program, args);
        if (code != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {code}: {stderr.Trim()}{stdout.Trim()}");
        return stdout.Trim();
    }

    /// <summary>The repository root (the directory holding Nvoi.slnx).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Nvoi.slnx"))) return dir.FullName;
            throw new InvalidOperationException("Nvoi.slnx not found above " + AppContext.BaseDirectory);
        }
    }
}
