using System.CommandLine;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli.Commands;

/// <summary>
/// <c>nvoi help [COMMAND...]</c>: the same text as <c>nvoi COMMAND... --help</c> (as nvoi 0.2.0's <c>nvoi help config</c>);
/// an unknown command is a usage error (exit 2).
/// </summary>
internal sealed class HelpCommand : Command
{
    private static readonly Argument<string[]> Path = new("command")
    {
        Description = "The command to explain, e.g. `config env set`; none: nvoi itself.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public HelpCommand(CliHost host, RootCommand root) : base("help", "Show help for a command: `nvoi help config env set` = `nvoi config env set --help`.")
    {
        Arguments.Add(Path);
        SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(Path) ?? [];
            Command command = root;
            foreach (var name in path)
            {
                var next = command.Subcommands.FirstOrDefault(c => c.Name == name || c.Aliases.Contains(name));
                if (next is null)
                {
                    var known = string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).Order(StringComparer.Ordinal));
                    var at = command == root ? "nvoi" : "nvoi " + string.Join(' ', path.TakeWhile(p => p != name));
                    host.Err.WriteLine($"error: `{at}` has no command `{name}` (its commands: {known})");
                    host.Err.WriteLine($"run `{at} --help` for usage");
                    return ExitCodes.InvalidInput;
                }
                command = next;
            }
            var help = root.Parse([.. path, "--help"]);
            return await help.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Err, ProcessTerminationTimeout = null }, ct);
        });
    }
}
