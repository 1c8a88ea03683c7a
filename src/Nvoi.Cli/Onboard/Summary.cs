using Nvoi.Onboarding;
using Spectre.Console;

namespace Nvoi.Cli.Onboard;

/// <summary>The summary table: every answer, secrets never shown.</summary>
internal static class Summary
{
    public static Table Table(WizardState s)
    {
        var table = new Table().AddColumn("Setting").AddColumn("Value");
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("Application", s.Name ?? "(not set)");
        Row("Compute", s.Compute?.Describe() ?? "(not set)");
        Row("Cloudflare", s.Cloudflare is { } cf ? $"account {cf.AccountId}, {cf.Zones.Count} domain(s)" : "(not set)");
        Row("Servers", string.Join(", ", s.ServerGroups.Select(g => $"{g} (master, 1 server)")));
        Row("Apps", s.Apps.Count == 0 ? "none" : string.Join("\n", s.Apps.Select(a => a.Describe())));
        Row("Database", s.Database?.Describe() ?? "none");
        Row("Variables", s.Env.Count == 0 ? "none" : string.Join("\n", s.Env.Select(kv => $"{kv.Key}={kv.Value}")));
        Row("Secrets", s.Secrets.Count == 0 ? "none" : string.Join("\n", s.Secrets.Keys.Select(k => $"{k}=********")));
        return table;
    }
}
