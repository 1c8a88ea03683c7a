namespace Nvoi.Cli.Hosting;

/// <summary>
/// Everything the CLI takes from its process: streams, terminal facts, environment, working
/// directory and clock. Tests build one in memory; <see cref="FromProcess"/> is the real one.
/// </summary>
public sealed record CliHost
{
    public required TextWriter Out { get; init; }
    public required TextWriter Err { get; init; }
    public required TextReader In { get; init; }
    /// <summary>Standard input as bytes (exec forwards it to the remote command when it is not a terminal); null: none.</summary>
    public Func<Stream>? OpenInput { get; init; }
    public bool InIsTerminal { get; init; }
    public bool OutIsTerminal { get; init; }
    public required Func<string, string?> GetEnvironmentVariable { get; init; }
    public required string CurrentDirectory { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>Settings of the --sandbox world (faults tests inject); null: the defaults.</summary>
    public Nvoi.Sandbox.World.SandboxSettings? SandboxSettings { get; init; }

    public static CliHost FromProcess() => new()
    {
        Out = Console.Out,
        Err = Console.Error,
        In = Console.In,
        OpenInput = Console.OpenStandardInput,
        InIsTerminal = !Console.IsInputRedirected,
        OutIsTerminal = !Console.IsOutputRedirected,
        GetEnvironmentVariable = Environment.GetEnvironmentVariable,
        CurrentDirectory = Directory.GetCurrentDirectory(),
    };
}
