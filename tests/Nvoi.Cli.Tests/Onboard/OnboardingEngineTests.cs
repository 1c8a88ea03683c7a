using Nvoi.Configuration;
using Nvoi.Credentials;
using Nvoi.Onboarding;

namespace Nvoi.Cli.Tests.Onboard;

/// <summary>The engine side of the wizard, without a console.</summary>
public sealed class OnboardingEngineTests
{
    [Theory]
    [InlineData("myapp", true)]
    [InlineData("my-app-2", true)]
    [InlineData("My App", false)]
    [InlineData("under_score", false)]
    [InlineData("-lead", false)]
    [InlineData("", false)]
    public void App_names_are_DNS_labels(string name, bool ok) => Assert.Equal(ok, OnboardingRules.AppName(name) is null);

    [Theory]
    [InlineData("", true)]
    [InlineData("@", true)]
    [InlineData("*", true)]
    [InlineData("www", true)]
    [InlineData("a.b", true)]
    [InlineData("WWW", false)]
    [InlineData("bad_name", false)]
    [InlineData(".x", false)]
    public void Subdomains(string sub, bool ok) => Assert.Equal(ok, OnboardingRules.Subdomain(sub) is null);

    [Theory]
    [InlineData("", true, null)]
    [InlineData("3000", true, 3000)]
    [InlineData("0", false, null)]
    [InlineData("65536", false, null)]
    [InlineData("-1", false, null)]
    [InlineData("80a", false, null)]
    public void Ports(string text, bool ok, int? port)
    {
        Assert.Equal(ok, OnboardingRules.Port(text) is null);
        Assert.Equal(port, OnboardingRules.ParsePort(text));
    }

    [Fact]
    public void A_variable_name_cannot_be_both_plain_and_secret()
    {
        var state = new WizardState();
        state.Env["A"] = "1";
        state.Secrets["B"] = "2";
        Assert.NotNull(OnboardingRules.VariableName("A", state, secret: true));
        Assert.NotNull(OnboardingRules.VariableName("B", state, secret: false));
        Assert.Null(OnboardingRules.VariableName("C", state, secret: true));
        Assert.NotNull(OnboardingRules.VariableName("has space", state, secret: false));
    }

    [Fact]
    public void Generated_passwords_are_long_random_and_distinct()
    {
        var a = OnboardingRules.GeneratePassword();
        var b = OnboardingRules.GeneratePassword();
        Assert.Matches("^[A-Za-z0-9]{32}$", a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Default_database_identifiers_are_valid_for_any_app_name()
    {
        Assert.Equal("my_app_production", OnboardingRules.DefaultDatabaseName("my-app"));
        Assert.Equal("app_1shop", OnboardingRules.DefaultDatabaseUser("1shop"));
        Assert.Null(OnboardingRules.DatabaseIdentifier(OnboardingRules.DefaultDatabaseUser("1shop"), "user"));
    }

    private static WizardState Complete()
    {
        var s = new WizardState { Name = "shop" };
        s.Compute = new ComputeAnswer(ComputeProviderKind.Aws,
            new Dictionary<string, string> { ["access_key_id"] = "AKIAEXAMPLE", ["secret_access_key"] = "aws-secret" }, "eu-west-1", "t3.small");
        s.Cloudflare = new CloudflareAnswer("cf-token", "acct", [new("z1", "shop.test", "active")]);
        s.Apps.Add(new AppAnswer("web", null, 3000, "shop.test", null, null));
        s.Database = new DatabaseAnswer(DatabaseKind.Postgres, "main", "postgres-data", 10, "shop_production", "shop", "pw-123");
        return s;
    }

    [Fact]
    public void The_built_config_passes_every_validation_rule()
    {
        var keys = SshKeyGenerator.GenerateEd25519();
        var text = ConfigWriter.Write(ConfigBuilder.Build(Complete(), keys));

        var app = ConfigSource.FromText(text).Application;

        Assert.Equal(("AKIAEXAMPLE", "aws-secret", "eu-west-1", "t3.small"),
            (app.ComputeProvider!.Aws!.AccessKeyId, app.ComputeProvider.Aws.SecretAccessKey, app.ComputeProvider.Aws.Region, app.ComputeProvider.Aws.InstanceType));
        Assert.Null(app.App["web"].Subdomain);
        Assert.Equal(["main"], app.Database!.Servers);
        Assert.Contains("postgres-data", app.Servers["main"].Volumes.Keys);
    }

    [Fact]
    public void A_database_on_a_group_that_does_not_exist_is_refused()
    {
        var s = Complete();
        s.Database = s.Database! with { ServerGroup = "workers" };

        Assert.Contains(ConfigBuilder.Missing(s), m => m.Contains("workers does not exist"));
        Assert.Throws<NvoiException>(() => ConfigBuilder.Build(s, SshKeyGenerator.GenerateEd25519()));
    }

    [Fact]
    public void Nothing_in_the_answers_prints_a_secret()
    {
        var s = Complete();
        s.Secrets["K"] = "secret-value";
        var text = string.Join("\n", s.ToString(), s.Compute!.ToString(), s.Cloudflare!.ToString(), s.Database!.ToString());

        foreach (var secret in new[] { "aws-secret", "AKIAEXAMPLE", "cf-token", "pw-123", "secret-value" })
            Assert.DoesNotContain(secret, text);
    }

    [Fact]
    public void Save_writes_nothing_when_the_answers_are_incomplete()
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-onboard-engine-").FullName;
        try
        {
            var s = Complete();
            s.Cloudflare = null;
            Assert.Throws<NvoiException>(() => ConfigBuilder.Save(s, dir, Path.Combine(dir, "deploy.enc")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Providers_without_an_adapter_are_refused_with_one_clear_line()
    {
        var clients = new OnboardingClients(OnboardingEndpoints.Default);
        foreach (var kind in Enum.GetValues<ComputeProviderKind>().Where(k => !clients.Supports(k)))
        {
            var e = Assert.Throws<NvoiException>(() => clients.CreateCompute(kind, new Dictionary<string, string>(), "x"));
            Assert.Contains("not available in this build", e.Message);
        }
        Assert.True(clients.Supports(ComputeProviderKind.Hetzner));
        Assert.True(clients.Supports(ComputeProviderKind.Scaleway));
    }
}
