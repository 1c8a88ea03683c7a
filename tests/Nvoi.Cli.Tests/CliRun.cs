using Nvoi.Cli;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli.Tests;

/// <summary>The result of one in-process `nvoi` invocation.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public string All => Out + Err;
}

/// <summary>Runs `nvoi` in process against a temporary working directory and a fake environment.</summary>
public sealed class CliRun : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("nvoi-cli-").FullName;
    public Dictionary<string, string> Env { get; } = new();
    /// <summary>The clock the CLI (and its sandbox) runs on.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
    /// <summary>Settings of the --sandbox world for the next runs (faults a test injects).</summary>
    public Nvoi.Sandbox.World.SandboxSettings? Sandbox { get; set; }

    public async Task<CliResult> RunAsync(params string[] args) => await RunWithInputAsync("", args);

    public async Task<CliResult> RunWithInputAsync(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var host = new CliHost
        {
            Out = stdout,
            Err = stderr,
            In = new StringReader(stdin),
            OpenInput = () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(stdin)),
            InIsTerminal = false,
            OutIsTerminal = false,
            GetEnvironmentVariable = name => Env.GetValueOrDefault(name),
            CurrentDirectory = Dir,
            Time = Time,
            SandboxSettings = Sandbox,
        };
        var code = await NvoiApp.RunAsync(args, host);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
