using System.CommandLine;
using Nvoi.Cli.Hosting;
using Nvoi.Cli.Rendering;
using Nvoi.Operations;

namespace Nvoi.Cli.Commands;

/// <summary><c>nvoi run APP [-i] -- CMD…</c>: a command in a one-off pod with the app's image, env and secrets.</summary>
internal sealed class RunCommand : Command
{
    private static readonly Argument<string> App = new("app") { Description = "The app service (a key under application.app) whose image, env and secrets the command gets." };
    private static readonly Argument<string[]> CommandArgs = new("command")
    {
        Description = "The command and its arguments, run as the container's command (put -- before it).",
        Arity = ArgumentArity.ZeroOrMore,
    };
    private static readonly Option<bool> Interactive = new("--interactive", "-i")
    {
        Description = "Send this terminal's or pipe's input to the command (no TTY is allocated).",
    };
    private static readonly Option<bool> SandboxOption = SharedOptions.Sandbox();

    public RunCommand(CliHost host) : base("run",
        "Run a command in a new pod with the app's image, env and secrets (a console, a one-off task); output streamed, its exit code passed on.")
    {
        Arguments.Add(App);
        Arguments.Add(CommandArgs);
        Options.Add(Interactive);
        Options.Add(SandboxOption);
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            if (ctx.Output.Mode == OutputMode.Json) throw new NvoiUsageException("run prints the command's own output: --json does not apply");
            var argv = ctx.Parse.GetValue(CommandArgs) ?? [];
            if (argv.Length == 0) throw new NvoiUsageException("no command given: put it after --, e.g. nvoi run web -- bin/rails console");
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(SandboxOption));
            var app = ctx.Parse.GetValue(App)!;
            AppLogs.PodLabel(session.Config, app);
            await using var stdin = !ctx.Parse.GetValue(Interactive) ? null : host.OpenInput?.Invoke() ?? Stream.Null;
            var gate = new object();
            var exit = await AppRun.RunAsync(session.Config, session.World, app, argv, stdin, (isStderr, text) =>
            {
                lock (gate)
                {
                    var writer = isStderr ? host.Err : host.Out;
                    writer.Write(text);
                    writer.Flush();
                }
            }, ct);
            return exit;
        });
    }
}
