using System.CommandLine;
using Nvoi.Cli.Hosting;
using Nvoi.Cli.Onboard;
using Nvoi.Configuration;
using Nvoi.Onboarding;
using Spectre.Console;

namespace Nvoi.Cli.Commands;

/// <summary>`nvoi onboard`: the interactive setup wizard (see docs/commands/onboard.md).</summary>
internal sealed class OnboardCommand : Command
{
    public OnboardCommand(CliHost host) : base("onboard",
        "Interactive setup wizard: provider, Cloudflare, apps, database, env and secrets; writes deploy.enc and deploy.key.")
    {
        Options.Add(SharedOptions.Sandbox());
        CommandRunner.Bind(this, host, (ctx, ct) => RunAsync(ctx, ct));
    }

    /// <summary>Builds the console the wizard talks to; tests replace it with a Spectre TestConsole.</summary>
    internal static Func<CommandContext, IAnsiConsole>? ConsoleOverride { get; set; }

    /// <summary>
    /// stdin and stdout are a terminal (checked above), so the prompts may read keys and move the cursor even
    /// when Spectre's profile says otherwise: its CI detection (CI, GITHUB_ACTIONS, …) turns interaction off, and
    /// no-color (NO_COLOR, --no-color) turns ANSI off, which list prompts need. Colors stay as decided.
    /// </summary>
    private static IAnsiConsole TerminalConsole(IAnsiConsole console)
    {
        console.Profile.Capabilities.Interactive = true;
        console.Profile.Capabilities.Ansi = true;
        return console;
    }

    private static async Task<int> RunAsync(CommandContext ctx, CancellationToken ct)
    {
        var interactive = ConsoleOverride is not null || (ctx.Host.InIsTerminal && ctx.Host.OutIsTerminal);
        if (!interactive)
        {
            ctx.Output.Error("`nvoi onboard` needs an interactive terminal. Without one, create the config with " +
                "`nvoi config init --name NAME`, then `nvoi config provider set …`, `nvoi config domain set cloudflare …` and `nvoi config app set …`.");
            return ExitCodes.InvalidInput;
        }
        var configPath = ConfigFile.NewPath(ctx.WorkingDirectory, ctx.ConfigPath, ctx.Host.GetEnvironmentVariable);
        if (ConfigSource.IsPlaintext(configPath))
            throw new NvoiUsageException("`nvoi onboard` writes an encrypted deploy.enc; -c must not name a .yml/.yaml file");
        if (File.Exists(configPath))
            throw new NvoiException($"{configPath} already exists: change it with `nvoi credentials edit` or `nvoi config … set`, or delete it (and its deploy.key) to start from scratch");

        var console = ConsoleOverride?.Invoke(ctx) ?? TerminalConsole(ctx.Output.Console);
        var sandbox = ctx.Parse.GetValue<bool>("--sandbox");
        SandboxEndpoints? emulators = null;
        try
        {
            if (sandbox) emulators = await SandboxEndpoints.StartAsync();
            var clients = new OnboardingClients(emulators?.Endpoints ?? OnboardingEndpoints.Default, ctx.Host.Time);
            var wizard = new OnboardWizard(console, clients, ctx.WorkingDirectory, configPath, sandbox, ct);
            var result = await wizard.RunAsync();
            if (result.Saved) return ExitCodes.Success;
            console.MarkupLine("Setup cancelled; nothing was written.");
            return ExitCodes.Cancelled;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            console.Cursor.Show(true); // a list prompt hides it while it runs
            console.WriteLine();
            console.MarkupLine("Setup cancelled; nothing was written.");
            return ExitCodes.Cancelled;
        }
        finally
        {
            if (emulators is not null) await emulators.DisposeAsync();
        }
    }
}
