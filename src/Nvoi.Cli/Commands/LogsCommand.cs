using System.CommandLine;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli.Commands;

internal sealed class LogsCommand : Command
{
    public static readonly Argument<string> App = new("app") { Description = "The app service (a key under application.app), e.g. web." };
    public static readonly Option<bool> Follow = new("--follow", "-f") { Description = "Keep streaming new lines." };
    public static readonly Option<int> Tail = new("--tail", "-n")
    {
        Description = "Lines to show from the end of each pod's log.",
        DefaultValueFactory = _ => 100,
        HelpName = "lines",
    };

    public LogsCommand(CliHost host) : base("logs", "Show the logs of every pod of an app service, each line prefixed by its pod.")
    {
        Arguments.Add(App);
        Options.Add(Follow);
        Options.Add(Tail);
        Options.Add(SharedOptions.Sandbox());
        CommandRunner.BindNotAvailable(this, host, "logs arrives with the day-two commands.");
    }
}

internal sealed class ExecCommand : Command
{
    public static readonly Argument<string[]> CommandArgs = new("command")
    {
        Description = "The command and its arguments, passed to the server exactly as typed (put -- before it).",
        Arity = ArgumentArity.ZeroOrMore,
    };
    public static readonly Option<string> Server = new("--server")
    {
        Description = "Where to run: main (the master) or a server name such as workers-2.",
        DefaultValueFactory = _ => "main",
        HelpName = "name",
    };
    public static readonly Option<bool> All = new("--all") { Description = "Run on every server in parallel, output prefixed by [server]." };
    public static readonly Option<bool> Interactive = new("--interactive", "-i") { Description = "Open an interactive shell (system ssh, pinned host key)." };
    public static readonly Option<bool> RetrustHostKey = new("--retrust-host-key")
    {
        Description = "Accept and pin the server's current host key (after you rebuilt the server yourself).",
    };

    public ExecCommand(CliHost host) : base("exec", "Run a command on a server over SSH, on all servers, or open a shell.")
    {
        Arguments.Add(CommandArgs);
        Options.Add(Server);
        Options.Add(All);
        Options.Add(Interactive);
        Options.Add(RetrustHostKey);
        Options.Add(SharedOptions.Sandbox());
        Options.Add(SharedOptions.ConfigDir());
        CommandRunner.BindNotAvailable(this, host, "exec arrives with the day-two commands.");
    }
}
