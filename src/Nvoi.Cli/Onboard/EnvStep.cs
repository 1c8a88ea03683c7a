using Nvoi.Onboarding;
using Spectre.Console;

namespace Nvoi.Cli.Onboard;

/// <summary>Environment variables and secrets; secret values are masked when typed and in every display.</summary>
internal sealed class EnvStep(WizardConsole ui)
{
    private enum Action { AddVariable, AddSecret, Remove, Done }

    public async Task RunAsync(WizardState state)
    {
        ui.Section("Environment variables and secrets");
        while (true)
        {
            if (state.Env.Count + state.Secrets.Count > 0) ui.Console.Write(Table(state));
            Action[] actions = state.Env.Count + state.Secrets.Count > 0
                ? [Action.Done, Action.AddVariable, Action.AddSecret, Action.Remove]
                : [Action.Done, Action.AddVariable, Action.AddSecret];
            var action = await ui.SelectAsync("Variables:", actions, a => a switch
            {
                Action.AddVariable => "Add a variable",
                Action.AddSecret => "Add a secret (masked)",
                Action.Remove => "Remove one",
                _ => "Done",
            });
            switch (action)
            {
                case Action.Done:
                    return;
                case Action.AddVariable:
                {
                    var key = await ui.AskAsync("Variable name", v => OnboardingRules.VariableName(v, state, secret: false));
                    state.Env[key] = await ui.AskAsync("Value", allowEmpty: true);
                    break;
                }
                case Action.AddSecret:
                {
                    var key = await ui.AskAsync("Secret name", v => OnboardingRules.VariableName(v, state, secret: true));
                    state.Secrets[key] = await ui.AskSecretAsync("Secret value", validate: v => v.Length == 0 ? "the value is required" : null);
                    break;
                }
                case Action.Remove:
                {
                    var key = await ui.SelectAsync("Remove:", [.. state.Env.Keys, .. state.Secrets.Keys], k => k);
                    if (!state.Env.Remove(key)) state.Secrets.Remove(key);
                    break;
                }
            }
        }
    }

    /// <summary>Every variable, secrets shown as ********.</summary>
    public static Table Table(WizardState state)
    {
        var table = new Table().AddColumn("Name").AddColumn("Value");
        foreach (var (k, v) in state.Env) table.AddRow(Markup.Escape(k), Markup.Escape(v));
        foreach (var k in state.Secrets.Keys) table.AddRow(Markup.Escape(k), "[grey]******** (secret)[/]");
        return table;
    }
}
