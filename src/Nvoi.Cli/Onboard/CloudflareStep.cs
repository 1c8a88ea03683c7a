using Nvoi.Onboarding;

namespace Nvoi.Cli.Onboard;

/// <summary>Cloudflare: token and account checked live (tunnels and DNS), active zones listed.</summary>
internal sealed class CloudflareStep(WizardConsole ui, OnboardingChecks checks, bool sandbox)
{
    public async Task<CloudflareAnswer> RunAsync()
    {
        ui.Section("Cloudflare (domains and tunnels)");
        ui.Info("The API token needs Account · Cloudflare Tunnel · Edit and Zone · DNS · Edit.");
        while (true)
        {
            var token = await ui.AskSecretAsync("Cloudflare API token", sandbox ? "the sandbox value" : null);
            if (token.Length == 0 && sandbox) token = SandboxValues.CloudflareToken;
            var account = await ui.AskAsync("Cloudflare account ID",
                v => string.IsNullOrWhiteSpace(v) ? "the account ID is required" : null,
                sandbox ? SandboxValues.CloudflareAccountId : null);
            var zones = await ui.CheckAsync("Checking the Cloudflare token and account…",
                ct => checks.CheckCloudflareAsync(token, account, ct));
            if (zones is null)
            {
                ui.Info("Enter the token and account ID again.");
                continue;
            }
            ui.Success(zones.Count == 0
                ? "Cloudflare token accepted; it sees no active domain (apps can be added without one)"
                : $"Cloudflare token accepted; domains: {string.Join(", ", zones.Select(z => z.Name))}");
            return new CloudflareAnswer(token, account, zones);
        }
    }
}
