using System.Text.Json;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>A copy of one example (config, Dockerfile, app) in a temporary directory, driven with --sandbox.</summary>
public sealed class SandboxProject : IDisposable
{
    public CliRun Run { get; } = new();
    public string Example { get; }

    public SandboxProject(string example)
    {
        Example = example;
        var source = Path.Combine(RepoRoot(), "examples", example);
        foreach (var file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(Run.Dir, Path.GetFileName(file)));
    }

    public static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Nvoi.slnx"))) dir = Path.GetDirectoryName(dir)!;
        return dir;
    }

    public static IEnumerable<object[]> Examples() =>
        Directory.GetDirectories(Path.Combine(RepoRoot(), "examples")).Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(d => new object[] { d! });

    /// <summary>Runs nvoi on the project; no secret value of its config may appear in any output (text, --json, NDJSON).</summary>
    public async Task<CliResult> NvoiAsync(params string[] args)
    {
        var result = await Run.RunAsync([.. args, "-c", "deploy.yml", "--sandbox"]);
        // Values shorter than 8 characters (a test's "invalid" token) read like ordinary words: not scanned.
        foreach (var secret in SecretValues().Where(v => v.Length >= 8))
            Assert.False(result.All.Contains(secret, StringComparison.Ordinal), $"`nvoi {string.Join(' ', args)}` printed a secret value of the config");
        return result;
    }

    public Task<CliResult> DeployAsync(params string[] extra) => NvoiAsync(["deploy", "--yes", .. extra]);

    /// <summary>The plan's actions as (action, kind, name).</summary>
    public async Task<IReadOnlyList<(string Action, string Kind, string Name)>> PlanAsync()
    {
        var result = await NvoiAsync("plan", "--json");
        Assert.True(result.ExitCode == 0, result.Err);
        using var doc = JsonDocument.Parse(result.Out);
        return doc.RootElement.GetProperty("actions").EnumerateArray()
            .Select(a => (a.GetProperty("action").GetString()!, a.GetProperty("kind").GetString()!, a.GetProperty("name").GetString()!))
            .ToList();
    }

    public string ConfigText
    {
        get => File.ReadAllText(Run.PathOf("deploy.yml"));
        set => File.WriteAllText(Run.PathOf("deploy.yml"), value);
    }

    /// <summary>Every value of the example that is a secret (placeholders included).</summary>
    public IReadOnlyList<string> SecretValues() =>
        ConfigText.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("api_token:") || l.StartsWith("secret_access_key:") || l.StartsWith("secret_key:") ||
                        l.StartsWith("POSTGRES_PASSWORD:") || l.StartsWith("MYSQL_PASSWORD:") || l.StartsWith("SECRET_KEY_BASE:") ||
                        l.StartsWith("private_key:"))
            .Select(l => l[(l.IndexOf(':') + 1)..].Trim())
            .ToList();

    public void Dispose() => Run.Dispose();
}
