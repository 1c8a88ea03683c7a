using System.Diagnostics;

namespace Nvoi.Cli.Tests;

/// <summary>
/// `nvoi` as a real child process: the apphost built beside this test assembly, run in a working
/// directory with the runtime this test runs on. For what needs a process of its own: races between
/// processes, file locks, signals.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly List<string> _stderr = [];
    private readonly Lock _sync = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) { _stderrDone.TrySetResult(); return; }
            lock (_sync)
            {
                _stderr.Add(e.Data);
                foreach (var (text, seen) in _awaited)
                    if (e.Data.Contains(text, StringComparison.Ordinal)) seen.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Starts `nvoi ARGS` in <paramref name="dir"/>; <paramref name="env"/> is added to a clean copy of this process's environment.</summary>
    public static CliProcess Start(string dir, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "nvoi"))
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("NVOI_", StringComparison.Ordinal) || k is "VISUAL" or "EDITOR").ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Environment.ProcessPath)!;
        start.Environment["NO_COLOR"] = "1";
        if (env is not null) foreach (var (k, v) in env) start.Environment[k] = v;
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return new CliProcess(process);
    }

    /// <summary>Completes when a line of stderr contains <paramref name="text"/> (or already did); fails if the process ends first.</summary>
    public async Task WaitForStderrAsync(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sync)
        {
            if (_stderr.Any(l => l.Contains(text, StringComparison.Ordinal))) return;
            _awaited.Add((text, seen));
        }
        var first = await Task.WhenAny(seen.Task, _stderrDone.Task);
        if (first != seen.Task)
            throw new Xunit.Sdk.XunitException($"nvoi ended without printing '{text}'; stderr:\n{Stderr}");
    }

    public string Stderr
    {
        get { lock (_sync) return string.Join('\n', _stderr); }
    }

    public bool HasExited => _process.HasExited;

    public async Task<CliResult> WaitAsync()
    {
        await _process.WaitForExitAsync();
        await _stderrDone.Task;
        return new CliResult(_process.ExitCode, await _stdout, Stderr);
    }

    public Task Exited => _process.WaitForExitAsync();

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
