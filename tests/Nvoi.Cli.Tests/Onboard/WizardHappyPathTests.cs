using Nvoi.Sandbox.Cloudflare;

namespace Nvoi.Cli.Tests.Onboard;

/// <summary>The whole wizard per provider, against the emulators over real HTTP.</summary>
public sealed class WizardHappyPathTests(EmulatorFixture emulators) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Hetzner_full_path_saves_a_config_that_validates()
    {
        using var run = new WizardRun(emulators.Endpoints);
        run.Script.Type("myapp").HetznerCompute().Cloudflare()
            .WebApp("www").Type("y")
            .Type("worker").Type("bin/jobs").Enter().Enter().Enter()
            .Postgres().EnvAndSecret()
            .Choose("Save");

        var result = await run.RunAsync();

        Assert.True(result.Saved);
        var app = run.LoadSaved().Application;
        Assert.Equal("myapp", app.Name);
        Assert.Equal("production", app.Environment);
        var hz = app.ComputeProvider!.Hetzner!;
        Assert.Equal((Answers.HetznerToken, "cx22", "fsn1"), (hz.ApiToken, hz.ServerType, hz.ServerLocation));
        Assert.Equal((Answers.CloudflareToken, Answers.AccountId), (app.DomainProvider!.Cloudflare!.ApiToken, app.DomainProvider.Cloudflare.AccountId));
        Assert.Equal(["main"], app.Servers.Keys);
        Assert.True(app.Servers["main"].Master);
        Assert.Equal(10, app.Servers["main"].Volumes["postgres-data"].SizeValue);
        var web = app.App["web"];
        Assert.Equal((3000, "example.com", "www", "bundle exec puma", "bin/rails db:migrate"), (web.Port, web.Domain, web.Subdomain, web.Command, web.PreRunCommand));
        Assert.Equal(["main"], web.Servers);
        var worker = app.App["worker"];
        Assert.Equal((null, null, "bin/jobs"), (worker.Port, worker.Domain, worker.Command));
        var db = app.Database!;
        Assert.Equal(("postgres", "main"), (db.Adapter, db.Servers.Single()));
        Assert.Equal("/var/lib/postgresql/data", db.Mount["postgres-data"]);
        Assert.Equal(("myapp_production", "myapp", Answers.DbPassword), (db.Secrets["POSTGRES_DB"], db.Secrets["POSTGRES_USER"], db.Secrets["POSTGRES_PASSWORD"]));
        Assert.Equal("production", app.Env["RAILS_ENV"]);
        Assert.Equal(Answers.SecretValue, app.Secrets["SECRET_KEY_BASE"]);
        Assert.StartsWith("ssh-ed25519 ", app.SshKeys!.PublicKey);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(run.KeyPath));
        Assert.Contains("deploy.key", File.ReadAllLines(Path.Combine(run.Dir, ".gitignore")));
        Assert.Contains("nvoi plan", run.Screen);
        Assert.Contains("nvoi deploy", run.Screen);
        AssertNoSecretOnScreen(run, Answers.HetznerToken, Answers.CloudflareToken, Answers.DbPassword, Answers.SecretValue);
    }

    [Fact]
    public async Task Server_types_show_cores_memory_and_monthly_price_of_the_chosen_location()
    {
        using var run = new WizardRun(emulators.Endpoints);
        run.Script.Type("pricing").HetznerCompute().Cloudflare().WebApp("prices").Enter()
            .Choose("None").Choose("Done").Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        Assert.Contains("cx22 — 2 vCPU, 4 GB, 3.79 EUR/month", run.Screen);
        Assert.Contains("cax11 — 2 vCPU, 4 GB, 3.79 EUR/month, arm64", run.Screen);
        Assert.Contains("Falkenstein", run.Screen);
        Assert.Null(run.LoadSaved().Application.Database);
    }

    [Fact]
    public async Task Scaleway_full_path_with_a_bad_key_then_a_good_one()
    {
        using var run = new WizardRun(emulators.Endpoints);
        const string project = "0b8e5f0a-7d1c-4f6e-9a2b-3c4d5e6f7a8b";
        run.Script.Type("scw-app")
            .Choose("Scaleway").Type("invalid").Type(project)
            .Choose("Enter the credentials again").Type("scw-good-secret-key").Type(project)
            .Choose("nl-ams-1").Choose("DEV1-S")
            .Cloudflare().WebApp("").Enter()
            .Choose("MySQL").Type("20").Type("shop").Type("shopper").Enter()
            .Choose("Done").Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        Assert.Contains("Scaleway refused the credentials", run.Screen);
        var app = run.LoadSaved().Application;
        var scw = app.ComputeProvider!.Scaleway!;
        Assert.Equal(("scw-good-secret-key", project, "nl-ams-1", "DEV1-S"), (scw.SecretKey, scw.ProjectId, scw.Zone, scw.ServerType));
        Assert.Null(app.App["web"].Subdomain);
        Assert.Equal("example.com", app.App["web"].Domain);
        var db = app.Database!;
        Assert.Equal("mysql", db.Adapter);
        Assert.Equal(("shop", "shopper"), (db.Secrets["MYSQL_DATABASE"], db.Secrets["MYSQL_USER"]));
        var generated = db.Secrets["MYSQL_PASSWORD"];
        Assert.Matches("^[A-Za-z0-9]{32}$", generated);
        Assert.Equal(20, app.Servers["main"].Volumes["mysql-data"].Size);
        Assert.Contains("Generated a strong 32-character password", run.Screen);
        AssertNoSecretOnScreen(run, "scw-good-secret-key", generated, Answers.CloudflareToken);
    }

    [Fact]
    public async Task A_refused_Cloudflare_token_is_asked_again()
    {
        using var run = new WizardRun(emulators.Endpoints);
        run.Script.Type("cfretry").HetznerCompute()
            .Cloudflare(CloudflareEmulator.InvalidToken)
            .Type(Answers.CloudflareToken).Type("0000000000000000000000000000beef")
            .Cloudflare()
            .WebApp("cf").Enter().Choose("SQLite").Enter().Enter().Choose("Done").Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        var app = run.LoadSaved().Application;
        Assert.Equal(Answers.AccountId, app.DomainProvider!.Cloudflare!.AccountId);
        Assert.Equal(2, CountOf(run.Screen, "Enter the token and account ID again"));
        Assert.Equal(("sqlite3", "/app/data/production.sqlite3"), (app.Database!.Adapter, app.Database.Path));
        Assert.Equal("/app/data", app.Database.Mount["sqlite-data"]);
        AssertNoSecretOnScreen(run, Answers.CloudflareToken, Answers.HetznerToken);
    }

    /// <summary>
    /// With the AWS adapter wired into <see cref="Nvoi.Onboarding.OnboardingClients.Factories"/>: the full AWS path
    /// (a refused key first). Without it: AWS is still offered and says it is not in this build.
    /// </summary>
    [Fact]
    public async Task Aws_path()
    {
        using var run = new WizardRun(emulators.Endpoints);
        if (!Nvoi.Onboarding.OnboardingClients.Factories.ContainsKey(Nvoi.Onboarding.ComputeProviderKind.Aws))
        {
            run.Script.Type("awsapp").Choose("AWS").HetznerCompute().Cloudflare().WebApp("aws").Enter()
                .Choose("None").Choose("Done").Choose("Save");

            Assert.True((await run.RunAsync()).Saved);
            Assert.Contains("AWS EC2 is not available in this build yet", run.Screen);
            Assert.NotNull(run.LoadSaved().Application.ComputeProvider!.Hetzner);
            return;
        }
        run.Script.Type("awsapp")
            .Choose("AWS").Type("invalid").Type("aws-secret-typed")
            .Choose("Enter the credentials again").Type("AKIATESTKEY000000001").Type("aws-secret-typed")
            .Choose("eu-west-1").Choose("t3.small")
            .Cloudflare().WebApp("aws").Enter().Choose("None").Choose("Done").Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        Assert.Contains("AWS EC2 refused the credentials", run.Screen);
        var aws = run.LoadSaved().Application.ComputeProvider!.Aws!;
        Assert.Equal(("AKIATESTKEY000000001", "aws-secret-typed", "eu-west-1", "t3.small"), (aws.AccessKeyId, aws.SecretAccessKey, aws.Region, aws.InstanceType));
        Assert.Contains("t3.small — 2 vCPU, 2 GB", run.Screen);
        AssertNoSecretOnScreen(run, "AKIATESTKEY000000001", "aws-secret-typed");
    }

    internal static void AssertNoSecretOnScreen(WizardRun run, params string[] secrets)
    {
        foreach (var secret in secrets)
            Assert.DoesNotContain(secret, run.Screen);
    }

    private static int CountOf(string text, string part) =>
        (text.Length - text.Replace(part, "").Length) / part.Length;
}
