using Nvoi.Onboarding;

namespace Nvoi.Cli.Onboard;

/// <summary>Database: postgres, mysql, sqlite or none, on an existing server group, with its volume.</summary>
internal sealed class DatabaseStep(WizardConsole ui)
{
    private sealed record Choice(DatabaseKind? Kind);

    public async Task<DatabaseAnswer?> RunAsync(WizardState state)
    {
        ui.Section("Database");
        var choice = await ui.SelectAsync("Database:",
            [new Choice(DatabaseKind.Postgres), new Choice(DatabaseKind.Mysql), new Choice(DatabaseKind.Sqlite), new Choice(null)],
            c => c.Kind is { } v ? DatabaseKinds.DisplayName(v) : "None");
        if (choice.Kind is not { } db) return null;

        var group = state.ServerGroups.Count == 1
            ? state.ServerGroups[0]
            : await ui.SelectAsync("Server group:", state.ServerGroups, g => g);
        var volume = DatabaseKinds.VolumeName(db);
        ui.Info($"The data lives on volume {volume} of server group {group}, mounted at {DatabaseKinds.DataPath(db)}.");
        var size = await ui.AskIntAsync("Volume size in GB", Configuration.ServerVolume.DefaultSizeGb, OnboardingRules.VolumeSize);

        if (db == DatabaseKind.Sqlite)
        {
            var path = await ui.AskAsync("Database file", v => v.StartsWith(DatabaseKinds.DataPath(db) + "/", StringComparison.Ordinal)
                ? null : $"the file must be under {DatabaseKinds.DataPath(db)}/ (the volume)", DatabaseKinds.DefaultSqlitePath);
            return new DatabaseAnswer(db, group, volume, size, SqlitePath: path);
        }
        var app = state.Name ?? "app";
        var name = await ui.AskAsync("Database name", v => OnboardingRules.DatabaseIdentifier(v, "database name"), OnboardingRules.DefaultDatabaseName(app));
        var user = await ui.AskAsync("Database user", v => OnboardingRules.DatabaseIdentifier(v, "user"), OnboardingRules.DefaultDatabaseUser(app));
        var password = await ui.AskSecretAsync("Database password", "generate a strong one");
        if (password.Length == 0)
        {
            password = OnboardingRules.GeneratePassword();
            ui.Success("Generated a strong 32-character password (stored in deploy.enc; `nvoi credentials show` prints it)");
        }
        return new DatabaseAnswer(db, group, volume, size, name, user, password);
    }
}
