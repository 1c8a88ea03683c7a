using Nvoi.Configuration;
using Nvoi.Credentials;

namespace Nvoi.Onboarding;

/// <summary>Turns the wizard's answers into a config and writes it (deploy.enc, deploy.key, .gitignore).</summary>
public static class ConfigBuilder
{
    /// <summary>What is still missing before the answers make a complete config, or empty.</summary>
    public static IReadOnlyList<string> Missing(WizardState state)
    {
        var missing = new List<string>();
        if (OnboardingRules.AppName(state.Name) is not null) missing.Add("application name");
        if (state.Compute is null) missing.Add("compute provider");
        if (state.Cloudflare is null) missing.Add("Cloudflare");
        if (state.Database is { } db && !state.ServerGroups.Contains(db.ServerGroup))
            missing.Add($"database server group ({db.ServerGroup} does not exist)");
        return missing;
    }

    /// <summary>The config of these answers, with the given deploy key pair.</summary>
    public static DeployConfig Build(WizardState state, SshKeyPair keys)
    {
        if (Missing(state) is { Count: > 0 } missing)
            throw new NvoiException("the setup is incomplete: " + string.Join(", ", missing));
        var app = new Application
        {
            Name = state.Name!.Trim(),
            Environment = WizardState.Environment,
            DomainProvider = new DomainProvider { Cloudflare = new CloudflareConfig { ApiToken = state.Cloudflare!.ApiToken, AccountId = state.Cloudflare.AccountId } },
            ComputeProvider = state.Compute!.Info.ToConfig(state.Compute.Credentials, state.Compute.Location, state.Compute.ServerType),
            SshKeys = new SshKeys { PrivateKey = keys.PrivateKey, PublicKey = keys.PublicKey },
        };
        foreach (var group in state.ServerGroups)
            app.Servers[group] = new ServerGroup { Master = group == WizardState.DefaultGroup, Count = 1 };
        foreach (var a in state.Apps)
        {
            app.App[a.Name] = new AppService
            {
                Servers = [WizardState.DefaultGroup],
                Command = Blank(a.Command),
                Port = a.Port,
                Domain = a.Domain,
                Subdomain = a.Domain is null ? null : Blank(a.Subdomain),
                PreRunCommand = Blank(a.PreRunCommand),
            };
        }
        if (state.Database is { } db) app.Database = Database(db, app.Servers[db.ServerGroup]);
        foreach (var (k, v) in state.Env) app.Env[k] = v;
        foreach (var (k, v) in state.Secrets) app.Secrets[k] = v;
        return new DeployConfig { Application = app };
    }

    private static Database Database(DatabaseAnswer db, ServerGroup group)
    {
        group.Volumes[db.VolumeName] = new ServerVolume { Size = db.VolumeSizeGb };
        var config = new Database
        {
            Servers = [db.ServerGroup],
            Adapter = DatabaseKinds.Adapter(db.Kind),
            Mount = { [db.VolumeName] = DatabaseKinds.DataPath(db.Kind) },
        };
        switch (db.Kind)
        {
            case DatabaseKind.Postgres:
                config.Secrets["POSTGRES_DB"] = db.DatabaseName!;
                config.Secrets["POSTGRES_USER"] = db.User!;
                config.Secrets["POSTGRES_PASSWORD"] = db.Password!;
                break;
            case DatabaseKind.Mysql:
                config.Secrets["MYSQL_DATABASE"] = db.DatabaseName!;
                config.Secrets["MYSQL_USER"] = db.User!;
                config.Secrets["MYSQL_PASSWORD"] = db.Password!;
                break;
            default:
                config.Path = db.SqlitePath ?? DatabaseKinds.DefaultSqlitePath;
                break;
        }
        return config;
    }

    /// <summary>
    /// Builds the config with a fresh deploy key pair, checks it passes every validation rule, and
    /// creates <paramref name="encryptedPath"/> with its deploy.key (0600) and the .gitignore entry.
    /// Refuses to overwrite an existing file. Nothing is written when anything fails.
    /// </summary>
    public static ConfigFile.Created Save(WizardState state, string workingDir, string encryptedPath)
    {
        var text = ConfigWriter.Write(Build(state, SshKeyGenerator.GenerateEd25519()));
        ConfigSource.FromText(text);
        return ConfigFile.Create(workingDir, encryptedPath, text);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
