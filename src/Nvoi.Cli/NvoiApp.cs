using System.CommandLine;
using System.Reflection;
using Nvoi.Cli.Commands;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli;

/// <summary>Builds the command tree and runs it.</summary>
public static class NvoiApp
{
    public static string Version =>
        typeof(NvoiApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static RootCommand BuildRoot(CliHost host)
    {
        var root = new RootCommand(
            "nvoi deploys a Docker app to your own servers (Hetzner, AWS or Scaleway) with k3s, and publishes it on your domain " +
            "through a Cloudflare Tunnel. Everything comes from one encrypted file, deploy.enc.\n\n" +
            "Start with `nvoi onboard`, or `nvoi config init --name myapp`; try it without accounts with `nvoi deploy --sandbox`.");
        foreach (var option in GlobalOptions.All) root.Options.Add(option);

        // `nvoi --version` prints the same line as `nvoi version`.
        foreach (var option in root.Options.OfType<VersionOption>())
            option.Action = new PrintVersion(host);

        root.Subcommands.Add(new VersionCommand(host));
        root.Subcommands.Add(new OnboardCommand(host));
        root.Subcommands.Add(new PlanCommand(host));
        root.Subcommands.Add(new DeployCommand(host));
        root.Subcommands.Add(new RollbackCommand(host));
        root.Subcommands.Add(new DeleteCommand(host));
        root.Subcommands.Add(new UnlockCommand(host));
        root.Subcommands.Add(new LogsCommand(host));
        root.Subcommands.Add(new ExecCommand(host));
        root.Subcommands.Add(new StatusCommand(host));
        root.Subcommands.Add(new RunCommand(host));
        root.Subcommands.Add(new CronCommand(host));
        root.Subcommands.Add(new CredentialsCommand(host));
        root.Subcommands.Add(new ConfigCommand(host));
        root.Subcommands.Add(new DbCommand(host));
        root.Subcommands.Add(new SandboxCommand(host));
        root.Subcommands.Add(new CompletionCommand(host));
        root.Subcommands.Add(new DoctorCommand(host));
        root.Subcommands.Add(new HelpCommand(host, root));
        return root;
    }

    /// <summary>The process entry: SIGINT, SIGTERM and SIGHUP cancel the command (exit 130).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var host = CliHost.FromProcess();
        using var signals = new SignalCancellation(host.Err);
        return await RunAsync(args, host, signals.Token);
    }

    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken ct = default)
    {
        var root = BuildRoot(host);
        var parse = root.Parse(args);
        // Signals are ours (SignalCancellation): System.CommandLine must not end the process after a timeout.
        var config = new InvocationConfiguration { Output = host.Out, Error = host.Err, ProcessTerminationTimeout = null };
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) host.Err.WriteLine($"error: {error.Message}");
            host.Err.WriteLine($"run `nvoi {string.Join(' ', CommandNames(parse))} --help` for usage");
            return ExitCodes.InvalidInput;
        }
        return await parse.InvokeAsync(config, ct);
    }

    private static IEnumerable<string> CommandNames(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            if (r.Command is not RootCommand) names.Insert(0, r.Command.Name);
        return names;
    }

    private sealed class PrintVersion(CliHost host) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            host.Out.WriteLine($"nvoi {Version}");
            return ExitCodes.Success;
        }
    }
}
