using Nvoi.Configuration;
using Nvoi.Onboarding;
using Spectre.Console;

namespace Nvoi.Cli.Onboard;

/// <summary>How a wizard run ended.</summary>
internal sealed record OnboardResult(bool Saved, ConfigFile.Created? Created);

/// <summary>
/// `nvoi onboard`: asks everything a first deploy needs, shows a summary to edit, and on save writes
/// deploy.enc, deploy.key and the .gitignore entry. Nothing is written before "Save".
/// </summary>
internal sealed class OnboardWizard
{
    private enum SummaryAction { Save, Name, Compute, Cloudflare, Apps, Database, Env, StartOver, Cancel }

    private readonly WizardConsole _ui;
    private readonly OnboardingChecks _checks;
    private readonly bool _sandbox;
    private readonly string _workingDir;
    private readonly string _configPath;

    public WizardState State { get; } = new();

    public OnboardWizard(IAnsiConsole console, IOnboardingClients clients, string workingDir, string configPath, bool sandbox, CancellationToken ct)
    {
        _ui = new WizardConsole(console, ct);
        _checks = new OnboardingChecks(clients);
        _sandbox = sandbox;
        _workingDir = workingDir;
        _configPath = configPath;
    }

    public async Task<OnboardResult> RunAsync()
    {
        Welcome();
        await CollectAllAsync();
        return await SummaryLoopAsync();
    }

    private void Welcome()
    {
        _ui.Console.Write(new Panel(new Markup(
            "[bold]nvoi setup[/]\nA few questions about your servers, Cloudflare, apps, database and variables.\n" +
            "Nothing is written until you choose [bold]Save[/] at the end; Ctrl+C quits at any time."))
            .Border(BoxBorder.Rounded));
        if (_sandbox)
            _ui.Info("Sandbox: the APIs are local emulators. Press Enter at a token prompt to use the sandbox value; the token 'invalid' is refused.");
    }

    private async Task CollectAllAsync()
    {
        await AskNameAsync();
        State.Compute = await new ComputeStep(_ui, _checks, _sandbox).RunAsync();
        State.Cloudflare = await new CloudflareStep(_ui, _checks, _sandbox).RunAsync();
        _ui.Section("Apps");
        do State.Apps.Add(await new AppStep(_ui, _checks).RunAsync(State));
        while (await _ui.ConfirmAsync("Add another app?", defaultValue: false));
        State.Database = await new DatabaseStep(_ui).RunAsync(State);
        await new EnvStep(_ui).RunAsync(State);
    }

    private async Task AskNameAsync()
    {
        _ui.Section("Application");
        State.Name = await _ui.AskAsync("Application name (used in every server and resource name)", OnboardingRules.AppName, State.Name);
    }

    private async Task<OnboardResult> SummaryLoopAsync()
    {
        while (true)
        {
            _ui.Section("Summary");
            _ui.Console.Write(Summary.Table(State));
            var action = await _ui.SelectAsync("What now?", Enum.GetValues<SummaryAction>(), Label);
            switch (action)
            {
                case SummaryAction.Save:
                    if (await SaveAsync() is { } created) return new OnboardResult(true, created);
                    break;
                case SummaryAction.Cancel:
                    if (await _ui.ConfirmAsync("Discard every answer and quit?", defaultValue: false)) return new OnboardResult(false, null);
                    break;
                case SummaryAction.Name: await AskNameAsync(); break;
                case SummaryAction.Compute: State.Compute = await new ComputeStep(_ui, _checks, _sandbox).RunAsync(); break;
                case SummaryAction.Cloudflare: await EditCloudflareAsync(); break;
                case SummaryAction.Apps: await EditAppsAsync(); break;
                case SummaryAction.Database: State.Database = await new DatabaseStep(_ui).RunAsync(State); break;
                case SummaryAction.Env: await new EnvStep(_ui).RunAsync(State); break;
                case SummaryAction.StartOver:
                    if (await _ui.ConfirmAsync("Forget every answer and start again?", defaultValue: false))
                    {
                        State.Clear();
                        await CollectAllAsync();
                    }
                    break;
            }
        }
    }

    private static string Label(SummaryAction a) => a switch
    {
        SummaryAction.Save => "Save",
        SummaryAction.Name => "Edit the application name",
        SummaryAction.Compute => "Edit the compute provider",
        SummaryAction.Cloudflare => "Edit Cloudflare",
        SummaryAction.Apps => "Edit the apps",
        SummaryAction.Database => "Edit the database",
        SummaryAction.Env => "Edit variables and secrets",
        SummaryAction.StartOver => "Start over",
        _ => "Cancel (discard everything)",
    };

    private async Task EditCloudflareAsync()
    {
        var cf = await new CloudflareStep(_ui, _checks, _sandbox).RunAsync();
        State.Cloudflare = cf;
        for (var i = 0; i < State.Apps.Count; i++)
        {
            var app = State.Apps[i];
            if (app.Domain is null || cf.Zones.Any(z => z.Name == app.Domain)) continue;
            State.Apps[i] = app with { Domain = null, Subdomain = null };
            _ui.Error($"{app.Domain} is not a domain of this Cloudflare account: app {app.Name} is no longer published (edit it to choose a domain)");
        }
    }

    private sealed record AppChoice(AppAnswer? App, bool Add);

    private async Task EditAppsAsync()
    {
        while (true)
        {
            var choices = State.Apps.Select(a => new AppChoice(a, false)).Append(new AppChoice(null, true)).Append(new AppChoice(null, false));
            var choice = await _ui.SelectAsync("Apps:", choices, c => c.App?.Describe() ?? (c.Add ? "Add an app" : "Done"));
            if (choice.Add) State.Apps.Add(await new AppStep(_ui, _checks).RunAsync(State));
            else if (choice.App is not { } app) return;
            else
            {
                var action = await _ui.SelectAsync($"{app.Name}:", ["Edit", "Delete", "Back"], s => s);
                if (action == "Edit") State.Apps[State.Apps.IndexOf(app)] = await new AppStep(_ui, _checks).RunAsync(State, app);
                else if (action == "Delete") State.Apps.Remove(app);
            }
        }
    }

    private async Task<ConfigFile.Created?> SaveAsync()
    {
        try
        {
            var created = await _ui.SpinAsync("Generating the deploy key and writing the config…",
                _ => Task.FromResult(ConfigBuilder.Save(State, _workingDir, _configPath)));
            _ui.Console.WriteLine();
            _ui.Success($"Created {Path.GetRelativePath(_workingDir, created.ConfigPath)} (encrypted config)");
            _ui.Success($"Created {Path.GetRelativePath(_workingDir, created.KeyPath)} (its key, mode 0600, listed in .gitignore: keep it out of git and share it safely)");
            NextSteps();
            return created;
        }
        catch (NvoiException e)
        {
            _ui.Error(e.Message);
            return null;
        }
    }

    private void NextSteps()
    {
        var sandbox = _sandbox ? " --sandbox" : "";
        _ui.Console.WriteLine();
        _ui.Console.MarkupLine("Next steps:");
        _ui.Console.MarkupLine($"  [cyan]nvoi plan{sandbox}[/]     see what deploy would create");
        _ui.Console.MarkupLine($"  [cyan]nvoi deploy{sandbox}[/]   provision the servers and deploy the app");
        if (_sandbox)
            _ui.Info("This config holds sandbox tokens: it only works with --sandbox. For real accounts, delete deploy.enc and deploy.key and run `nvoi onboard` again.");
    }
}
