using System.CommandLine;
using Nvoi.Cli.Rendering;

namespace Nvoi.Cli.Hosting;

/// <summary>One invocation: the host, the global options resolved, and where output goes.</summary>
public sealed class CommandContext
{
    public CliHost Host { get; }
    public ParseResult Parse { get; }
    public Output Output { get; }
    public string WorkingDirectory { get; }
    public string? ConfigPath { get; }
    public string? Branch { get; }
    public string? MasterKeyPath { get; }
    public bool Verbose { get; }

    public CommandContext(CliHost host, ParseResult parse)
    {
        Host = host;
        Parse = parse;
        Verbose = parse.GetValue(GlobalOptions.Verbose);
        var json = parse.GetValue(GlobalOptions.Json);
        var plain = parse.GetValue(GlobalOptions.Plain) || !host.OutIsTerminal;
        var noColor = parse.GetValue(GlobalOptions.NoColor) || !string.IsNullOrEmpty(host.GetEnvironmentVariable("NO_COLOR"));
        var mode = json ? OutputMode.Json : plain ? OutputMode.Plain : OutputMode.Rich;
        Output = new Output(host.Out, host.Err, mode, color: host.OutIsTerminal && !noColor, Verbose, interactive: host.InIsTerminal && host.OutIsTerminal);
        WorkingDirectory = Path.GetFullPath(parse.GetValue(GlobalOptions.Dir) ?? ".", host.CurrentDirectory);
        ConfigPath = Resolve(parse.GetValue(GlobalOptions.Config));
        MasterKeyPath = Resolve(parse.GetValue(GlobalOptions.MasterKey));
        Branch = parse.GetValue(GlobalOptions.Branch);
    }

    /// <summary>Relative paths given on the command line are relative to where nvoi was started.</summary>
    private string? Resolve(string? path) =>
        string.IsNullOrEmpty(path) ? null : Path.GetFullPath(path, Host.CurrentDirectory);
}
