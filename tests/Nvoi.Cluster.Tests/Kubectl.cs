using System.Diagnostics;

namespace Nvoi.Cluster.Tests;

/// <summary>Runs the real kubectl against an emulator through a temporary kubeconfig (plain http, no credentials).</summary>
public sealed class Kubectl : IDisposable
{
    private readonly string _dir;
    private readonly string _kubeconfig;

    public Kubectl(Uri server)
    {
        _dir = Directory.CreateTempSubdirectory("nvoi-kubectl").FullName;
        _kubeconfig = Path.Combine(_dir, "config");
        File.WriteAllText(_kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: {server.ToString().TrimEnd('/')}
            contexts:
            - name: sandbox
              context:
                cluster: sandbox
                user: sandbox
                namespace: default
            current-context: sandbox
            users:
            - name: sandbox
              user: {"{}"}
            """);
    }

    public string Dir => _dir;

    public static string Executable
    {
        get
        {
            var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
                .Select(p => Path.Combine(p, "kubectl")).FirstOrDefault(File.Exists);
            return path ?? throw new InvalidOperationException("kubectl is not installed: run scripts/install-test-prereqs.sh (Debian package kubernetes-client)");
        }
    }

    public Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    /// <summary>Runs kubectl with <paramref name="stdin"/> as its input (closed at its end; none when null).</summary>
    public async Task<(int Exit, string Out, string Err)> RunWithInputAsync(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false };
        foreach (var a in new[] { "--kubeconfig", _kubeconfig, "--cache-dir", Path.Combine(_dir, "cache") }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = _dir;
        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(90)); // a hung kubectl fails the test instead of blocking it
        try { await process.WaitForExitAsync(guard.Token); }
        catch (OperationCanceledException) { process.Kill(true); throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish"); }
        return (process.ExitCode, await stdout, await stderr);
    }

    public async Task<string> OkAsync(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);
        Assert.True(exit == 0, $"kubectl {string.Join(' ', args)} failed ({exit}): {error}{output}");
        return output;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
