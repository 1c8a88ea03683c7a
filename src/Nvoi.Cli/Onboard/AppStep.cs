using Nvoi.Dns;
using Nvoi.Onboarding;

namespace Nvoi.Cli.Onboard;

/// <summary>One app service: name, command, port, domain with a subdomain checked free in DNS, pre-run command.</summary>
internal sealed class AppStep(WizardConsole ui, OnboardingChecks checks)
{
    private static readonly CloudflareZone NoDomain = new("", "", "");

    /// <summary>Asks for a new app, or edits <paramref name="existing"/> (its answers are the defaults).</summary>
    public async Task<AppAnswer> RunAsync(WizardState state, AppAnswer? existing = null)
    {
        var name = await ui.AskAsync("App name", v => OnboardingRules.ServiceName(v, state.Apps, existing?.Name), existing?.Name ?? (state.Apps.Count == 0 ? "web" : null));
        var command = await ui.AskAsync("Command (blank: the image's entrypoint)", defaultValue: existing?.Command, allowEmpty: true);
        var portText = await ui.AskAsync("Port (blank: a background worker)", OnboardingRules.Port, existing?.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture), allowEmpty: true);
        var port = OnboardingRules.ParsePort(portText);
        string? domain = null, subdomain = null;
        if (port is not null && state.Cloudflare is { Zones.Count: > 0 } cf)
            (domain, subdomain) = await AskDomainAsync(cf, state, existing);
        var preRun = await ui.AskAsync("Pre-run command, e.g. migrations (blank: none)", defaultValue: existing?.PreRunCommand, allowEmpty: true);
        return new AppAnswer(name, Blank(command), port, domain, subdomain, Blank(preRun));
    }

    private async Task<(string?, string?)> AskDomainAsync(CloudflareAnswer cf, WizardState state, AppAnswer? existing)
    {
        var zone = await ui.SelectAsync("Domain:", [.. cf.Zones, NoDomain], z => z == NoDomain ? "No domain (not published)" : z.Name);
        if (zone == NoDomain) return (null, null);
        while (true)
        {
            var sub = await ui.AskAsync($"Subdomain of {zone.Name} (blank: {zone.Name} and *.{zone.Name})", OnboardingRules.Subdomain,
                existing?.Domain == zone.Name ? existing.Subdomain : null, allowEmpty: true);
            sub = sub.ToLowerInvariant();
            var hosts = Configuration.Names.Hostnames(sub, zone.Name);
            if (state.Apps.FirstOrDefault(a => a != existing && a.Hostnames.Intersect(hosts).Any()) is { } other)
            {
                ui.Error($"{string.Join(" and ", hosts)} is already used by the app {other.Name}; choose another subdomain");
                continue;
            }
            var taken = await ui.CheckAsync($"Checking {string.Join(" and ", hosts)} in DNS…",
                ct => checks.TakenHostnamesAsync(cf, zone, sub, ct));
            if (taken is null) continue;
            if (taken.Count == 0) return (zone.Name, sub.Length == 0 ? null : sub);
            ui.Error($"{string.Join(" and ", taken)} already {(taken.Count == 1 ? "has a DNS record" : "have DNS records")}; choose another subdomain");
        }
    }

    private static string? Blank(string s) => s.Length == 0 ? null : s;
}
