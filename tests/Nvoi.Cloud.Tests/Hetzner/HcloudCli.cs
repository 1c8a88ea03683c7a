using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Nvoi.Cloud.Tests.Hetzner;

/// <summary>Runs the official <c>hcloud</c> CLI (Debian hcloud-cli) against an emulator, in a temp HOME.</summary>
public sealed class HcloudCli(Uri endpoint, string token) : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("hcloud-home-").FullName;

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("no JSON output");

        /// <summary>A list printed with -o json; hcloud 1.30 prints <c>null</c> for an empty list.</summary>
        public JsonArray List => Stdout.Trim() == "null" ? [] : Json.AsArray();
    }

    /// <summary>Writes a file in the temp home and returns its path.</summary>
    public string File(string name, string content)
    {
        var path = Path.Combine(_home, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public async Task<Result> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("hcloud") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = _home;
        psi.Environment["HCLOUD_CONFIG"] = Path.Combine(_home, "cli.toml");
        psi.Environment["HCLOUD_ENDPOINT"] = endpoint.AbsoluteUri.TrimEnd('/');
        psi.Environment["HCLOUD_TOKEN"] = token;
        psi.Environment.Remove("HCLOUD_CONTEXT");
        Process process;
        try { process = Process.Start(psi)!; }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("the hcloud CLI is missing: install Debian package hcloud-cli (scripts/prereqs/apt.txt)", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            return new Result(process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>Runs and asserts exit code 0, showing stderr otherwise.</summary>
    public async Task<Result> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"hcloud {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}");
        return result;
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, recursive: true); } catch (IOException) { }
    }
}
