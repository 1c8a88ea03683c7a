using System.Diagnostics;
using System.Text.Json;

namespace Nvoi.Dns.Tests;

/// <summary>Runs a fidelity script under tests/fidelity/cloudflare with node (installed by scripts/install-test-prereqs.sh).</summary>
internal static class NodeScript
{
    public static string FidelityDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fidelity");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException("tests/fidelity/package.json not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs the script; fails (never skips) when node or the npm packages are missing.</summary>
    public static async Task<(int ExitCode, JsonElement? Json, string Stderr)> RunAsync(string script, IReadOnlyDictionary<string, string> env)
    {
        var fidelity = FidelityDirectory();
        Assert.True(Directory.Exists(Path.Combine(fidelity, "node_modules", "cloudflare")),
            "the npm package 'cloudflare' is missing: run scripts/install-test-prereqs.sh");
        var start = new ProcessStartInfo("node", [Path.Combine(fidelity, "cloudflare", script)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = fidelity,
        };
        foreach (var name in new[] { "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL", "CLOUDFLARE_API_USER_SERVICE_KEY" })
            start.Environment.Remove(name);
        foreach (var (key, value) in env) start.Environment[key] = value;

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node is not installed ({e.Message}): run scripts/install-test-prereqs.sh");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var output = (await stdout).Trim();
            JsonElement? json = output.Length == 0 ? null : JsonDocument.Parse(output.Split('\n')[^1]).RootElement.Clone();
            return (process.ExitCode, json, await stderr);
        }
    }
}
