using System.Globalization;
using Nvoi.Cloud;
using Nvoi.Onboarding;

namespace Nvoi.Cli.Onboard;

/// <summary>Compute provider: which one, its credentials checked live, then location and server type from its API.</summary>
internal sealed class ComputeStep(WizardConsole ui, OnboardingChecks checks, bool sandbox)
{
    public async Task<ComputeAnswer> RunAsync()
    {
        ui.Section("Compute provider");
        while (true)
        {
            var info = await ui.SelectAsync("Compute provider:", ComputeProviderInfo.All, p => p.DisplayName);
            if (!checks.Clients.Supports(info.Kind))
            {
                ui.Error($"{info.DisplayName} is not available in this build yet; choose another provider");
                continue;
            }
            var answer = await AskProviderAsync(info);
            if (answer is not null) return answer;
        }
    }

    /// <summary>Null when the user goes back to the provider choice.</summary>
    private async Task<ComputeAnswer?> AskProviderAsync(ComputeProviderInfo info)
    {
        while (true)
        {
            var credentials = new Dictionary<string, string>();
            foreach (var field in info.Fields)
                credentials[field.Key] = await AskFieldAsync(field);
            var locations = await ui.CheckAsync($"Checking the {info.DisplayName} credentials…",
                ct => checks.CheckComputeAsync(info.Kind, credentials, ct));
            if (locations is null)
            {
                if (await RetryAsync(info)) continue;
                return null;
            }
            ui.Success($"{info.DisplayName} credentials accepted");
            while (true)
            {
                var location = await ui.SelectAsync($"{Cap(info.LocationWord)}:", locations, l => $"{l.Name} — {l.Description}");
                var types = await ui.CheckAsync($"Fetching the {info.TypeWord}s of {location.Name}…",
                    ct => checks.ListServerTypesAsync(info.Kind, credentials, location.Name, ct));
                if (types is null) continue;
                var type = await ui.SelectAsync($"{Cap(info.TypeWord)}:", types, Describe);
                return new ComputeAnswer(info.Kind, credentials, location.Name, type.Name);
            }
        }
    }

    private async Task<string> AskFieldAsync(CredentialField field)
    {
        var sandboxValue = sandbox ? SandboxValues.Compute.GetValueOrDefault(field.Key) : null;
        if (field.Secret)
        {
            var secret = await ui.AskSecretAsync(field.Label, sandboxValue is null ? null : "the sandbox value");
            return secret.Length == 0 && sandboxValue is not null ? sandboxValue : secret;
        }
        return await ui.AskAsync(field.Label, v => string.IsNullOrWhiteSpace(v) ? $"the {field.Label} is required" : null, sandboxValue);
    }

    private async Task<bool> RetryAsync(ComputeProviderInfo info) =>
        await ui.SelectAsync("What now?", [Again, Other], s => s) == Again;

    private const string Again = "Enter the credentials again";
    private const string Other = "Choose another provider";

    /// <summary>"cx22 — 2 vCPU, 4 GB, 4.59 EUR/month".</summary>
    public static string Describe(ServerTypeInfo t)
    {
        var memory = t.MemoryGb.ToString("0.##", CultureInfo.InvariantCulture);
        var price = t.MonthlyPrice is { } p ? $", {p.ToString("0.00", CultureInfo.InvariantCulture)} {t.Currency}/month" : "";
        var arch = t.Architecture == CpuArchitecture.Arm64 ? ", arm64" : "";
        return $"{t.Name} — {t.Cores} vCPU, {memory} GB{price}{arch}";
    }

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
