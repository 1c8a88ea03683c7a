namespace Nvoi.Cli.Tests.Onboard;

/// <summary>The summary's actions: edit, start over, cancel.</summary>
public sealed class WizardSummaryTests(EmulatorFixture emulators) : IClassFixture<EmulatorFixture>
{
    private static WizardScript Basic(WizardScript s, string name) =>
        s.Type(name).HetznerCompute().Cloudflare().WebApp("sum-" + name).Enter().Postgres().EnvAndSecret();

    [Fact]
    public async Task Edits_from_the_summary_change_only_what_was_edited()
    {
        using var run = new WizardRun(emulators.Endpoints);
        Basic(run.Script, "first")
            .Choose("Edit the application name").Type("renamed")
            .Choose("Edit the database").Choose("SQLite").Type("15").Type("/app/data/db.sqlite3")
            .Choose("Edit the apps").Choose("web").Choose("Edit").Type("site").Enter().Type("8080").Choose("example.com").Type("site").Enter().Choose("Done")
            .Choose("Edit variables and secrets").Choose("Remove one").Choose("RAILS_ENV").Choose("Done")
            .Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        var app = run.LoadSaved().Application;
        Assert.Equal("renamed", app.Name);
        Assert.Equal(["site"], app.App.Keys);
        Assert.Equal((8080, "site", "bundle exec puma"), (app.App["site"].Port, app.App["site"].Subdomain, app.App["site"].Command));
        Assert.Equal(("sqlite3", "/app/data/db.sqlite3"), (app.Database!.Adapter, app.Database.Path));
        Assert.Equal(["sqlite-data"], app.Servers["main"].Volumes.Keys);
        Assert.Equal(15, app.Servers["main"].Volumes["sqlite-data"].Size);
        Assert.Empty(app.Env);
        Assert.Equal(Answers.SecretValue, app.Secrets["SECRET_KEY_BASE"]);
        Assert.Equal(Answers.HetznerToken, app.ComputeProvider!.Hetzner!.ApiToken);
        WizardHappyPathTests.AssertNoSecretOnScreen(run, Answers.HetznerToken, Answers.CloudflareToken, Answers.DbPassword, Answers.SecretValue);
    }

    [Fact]
    public async Task Editing_the_compute_provider_switches_provider()
    {
        using var run = new WizardRun(emulators.Endpoints);
        Basic(run.Script, "switch")
            .Choose("Edit the compute provider").Choose("Scaleway").Type("scw-key-2").Type("11111111-2222-4333-8444-555555555555").Choose("fr-par-2").Choose("DEV1-M")
            .Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        var cp = run.LoadSaved().Application.ComputeProvider!;
        Assert.Null(cp.Hetzner);
        Assert.Equal(("fr-par-2", "DEV1-M"), (cp.Scaleway!.Zone, cp.Scaleway.ServerType));
    }

    [Fact]
    public async Task Start_over_forgets_every_answer()
    {
        using var run = new WizardRun(emulators.Endpoints);
        Basic(run.Script, "before")
            .Choose("Start over").Type("y")
            .Type("after").HetznerCompute("hz-second-token").Cloudflare().WebApp("after").Enter().Choose("None").Choose("Done")
            .Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        var app = run.LoadSaved().Application;
        Assert.Equal("after", app.Name);
        Assert.Equal("hz-second-token", app.ComputeProvider!.Hetzner!.ApiToken);
        Assert.Null(app.Database);
        Assert.Empty(app.Env);
        Assert.Empty(app.Secrets);
        Assert.Empty(app.Servers["main"].Volumes);
    }

    [Fact]
    public async Task Cancel_from_the_summary_writes_nothing()
    {
        using var run = new WizardRun(emulators.Endpoints);
        Basic(run.Script, "cancelled").Choose("Cancel").Enter().Choose("Cancel").Type("y");

        var result = await run.RunAsync();

        Assert.False(result.Saved);
        Assert.Empty(Directory.EnumerateFileSystemEntries(run.Dir));
        Assert.Equal(2, run.Screen.Split("Discard every answer and quit?").Length - 1);
    }

    [Fact]
    public async Task Save_refuses_to_overwrite_a_config_created_meanwhile_and_returns_to_the_summary()
    {
        using var run = new WizardRun(emulators.Endpoints);
        Basic(run.Script, "raced").Choose("Save").Choose("Cancel").Type("y");
        File.WriteAllText(run.ConfigPath, "someone else's");

        Assert.False((await run.RunAsync()).Saved);
        Assert.Contains("already exists", run.Screen);
        Assert.Equal("someone else's", File.ReadAllText(run.ConfigPath));
        Assert.False(File.Exists(run.KeyPath));
    }
}
