using System.Diagnostics;
using System.Text.Json;

namespace Nvoi.Cloud.Tests.Aws;

/// <summary>
/// Runs the official AWS CLI (Debian package awscli) against an endpoint, with dummy credentials,
/// no metadata lookups, no pager and a throw-away HOME. Fails (never skips) when aws is missing.
/// </summary>
internal sealed class AwsCli(Uri endpoint, string home)
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    public static string Executable()
    {
        if (File.Exists("/usr/bin/aws")) return "/usr/bin/aws";
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "aws");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("the aws CLI is not installed; run scripts/install-test-prereqs.sh (Debian package awscli)");
    }

    public string AccessKey { get; init; } = AwsTestBed.AccessKey;

    public async Task<Result> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        start.Environment["HOME"] = home;
        start.Environment["AWS_ACCESS_KEY_ID"] = AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = AwsTestBed.SecretKey;
        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_CONFIG_FILE"] = Path.Combine(home, "config");
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "credentials");
        start.Environment["AWS_PAGER"] = "";
        start.Environment["AWS_MAX_ATTEMPTS"] = "1";
        foreach (var a in (string[])["--endpoint-url", endpoint.ToString().TrimEnd('/'), "--output", "json", "--no-cli-pager", .. args])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and asserts exit code 0, returning the parsed JSON output.</summary>
    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}");
        return result.Json;
    }
}
