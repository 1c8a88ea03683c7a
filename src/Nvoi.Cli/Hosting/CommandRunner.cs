using System.CommandLine;

namespace Nvoi.Cli.Hosting;

/// <summary>
/// Runs a command body and turns every failure into one line on stderr and an exit code:
/// no stack trace unless --verbose.
/// </summary>
public static class CommandRunner
{
    public static void Bind(Command command, CliHost host, Func<CommandContext, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, ct) => RunAsync(host, parse, body, ct));

    public static async Task<int> RunAsync(CliHost host, ParseResult parse, Func<CommandContext, CancellationToken, Task<int>> body, CancellationToken ct)
    {
        CommandContext? context = null;
        try
        {
            context = new CommandContext(host, parse);
            return await body(context, ct);
        }
        catch (NvoiException e)
        {
            Report(host, context, e.Message, e);
            if (e.Details is { } details) host.Err.WriteLine(details);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            host.Err.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            Report(host, context, $"unexpected {e.GetType().Name}: {e.Message}" +
                (context?.Verbose == true ? "" : " (run again with --verbose for details)"), e);
            return ExitCodes.Failure;
        }
    }

    private static void Report(CliHost host, CommandContext? context, string message, Exception e)
    {
        if (context is not null) context.Output.Error(message);
        else host.Err.WriteLine("error: " + message);
        if (context?.Verbose == true) host.Err.WriteLine(e.ToString());
    }

}
