using System.Diagnostics;
using Nvoi.Cli.Tests.Deploy;

namespace Nvoi.Cli.Tests.Packaging;

/// <summary>
/// The .NET tool package end to end: `dotnet pack` of the build this test assembly was built with
/// (--no-build), `dotnet tool install --tool-path` from that package only, and the installed `nvoi`
/// run as a process. Everything goes to a temporary directory; the repository tree gets nothing but
/// pack's small tool-settings files under src/Nvoi.Cli/obj/CONFIG/.
/// </summary>
public sealed class PackTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("nvoi-pack-").FullName;

    /// <summary>Debug or Release: the configuration of the build under test (from bin/CONFIG/net10.0/).</summary>
    private static string Configuration() =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    [Fact]
    public async Task The_packed_tool_installs_and_deploys_an_example_in_the_sandbox()
    {
        var root = SandboxProject.RepoRoot();
        var packages = Path.Combine(_temp, "packages");
        var pack = await RunAsync(root, "dotnet", "pack", Path.Combine(root, "src", "Nvoi.Cli"), "-c", Configuration(), "--no-build",
            "-o", packages, $"-p:NuspecOutputPath={_temp}/nuspec/", $"-p:PublishDir={_temp}/publish/", "-nologo");
        Assert.True(pack.Code == 0, pack.Output);
        Assert.True(File.Exists(Path.Combine(packages, $"nvoi.{NvoiApp.Version}.nupkg")), pack.Output);

        // Only the package just made: a config with that one source, and an empty NuGet cache so an
        // older nvoi of the same version cannot be picked up from ~/.nuget/packages.
        var config = Path.Combine(_temp, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """);
        var tools = Path.Combine(_temp, "tools");
        var install = await RunAsync(_temp, "dotnet", "tool", "install", "--tool-path", tools, "nvoi", "--version", NvoiApp.Version, "--configfile", config);
        Assert.True(install.Code == 0, install.Output);
        var nvoi = Path.Combine(tools, "nvoi");

        var version = await RunAsync(_temp, nvoi, "--version");
        Assert.Equal(0, version.Code);
        Assert.Equal($"nvoi {NvoiApp.Version}", version.Output.Trim());

        var project = Path.Combine(_temp, "project");
        Directory.CreateDirectory(project);
        foreach (var file in Directory.GetFiles(Path.Combine(root, "examples", "hetzner-postgres")))
            File.Copy(file, Path.Combine(project, Path.GetFileName(file)));
        var deploy = await RunAsync(project, nvoi, "deploy", "--sandbox", "--yes", "-c", "deploy.yml", "--plain");
        Assert.True(deploy.Code == 0, deploy.Output);
        Assert.Contains("https://shop.example.com", deploy.Output);
    }

    private sealed record ProcessResult(int Code, string Output);

    private async Task<ProcessResult> RunAsync(string directory, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NUGET_PACKAGES"] = Path.Combine(_temp, "nuget-cache");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung child, not a measurement.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{program} {string.Join(' ', args)} did not finish");
        }
        return new ProcessResult(process.ExitCode, await stdout + await stderr);
    }

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { }
    }
}
