using System.Text.RegularExpressions;

namespace Nvoi.Cli.Tests;

public class ConfigCommandTests
{
    private static readonly string[][] Edits =
    [
        ["config", "provider", "set", "hetzner", "--api-token", "hz-secret-token", "--server-type", "cx22", "--server-location", "fsn1"],
        ["config", "domain", "set", "cloudflare", "--api-token", "cf-secret-token", "--account-id", "acc123"],
        ["config", "server", "set", "master", "--master"],
        ["config", "volume", "set", "master", "pgdata", "--size", "20"],
        ["config", "app", "set", "web", "--servers", "master", "--domain", "example.com", "--subdomain", "www", "--port", "3000", "--pre-run-command", "bin/rails db:migrate"],
        ["config", "database", "set", "--servers", "master", "--adapter", "postgres", "--user", "app", "--password", "db-secret-pw", "--database", "app_production"],
        ["config", "service", "set", "redis", "--servers", "master", "--image", "redis:7-alpine", "--port", "6379"],
        ["config", "secret", "set", "SECRET_KEY_BASE", "skb-secret-value"],
        ["config", "env", "set", "RAILS_ENV", "production"],
    ];

    // The rm that undoes each set above, in reverse order.
    private static readonly string[][] Removals =
    [
        ["config", "env", "rm", "RAILS_ENV"],
        ["config", "secret", "rm", "SECRET_KEY_BASE"],
        ["config", "service", "rm", "redis"],
        ["config", "database", "rm"],
        ["config", "app", "rm", "web"],
        ["config", "volume", "rm", "master", "pgdata"],
        ["config", "server", "rm", "master"],
        ["config", "domain", "rm"],
        ["config", "provider", "rm"],
    ];

    private static readonly string[] Secrets = ["hz-secret-token", "cf-secret-token", "db-secret-pw", "skb-secret-value"];

    private static string WithoutKeys(string yaml) =>
        Regex.Replace(yaml, @"  ssh_keys:\n(.|\n)*", "  ssh_keys: <generated>\n");

    [Fact]
    public async Task Init_then_every_set_gives_the_expected_yaml()
    {
        using var run = new CliRun();
        var init = await run.RunAsync("config", "init", "--name", "myapp");
        Assert.Equal(0, init.ExitCode);
        Assert.True(File.Exists(run.PathOf("deploy.enc")));
        Assert.Contains("deploy.key", File.ReadAllLines(run.PathOf(".gitignore")));
        Assert.Contains(".nvoi/", File.ReadAllLines(run.PathOf(".gitignore")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(run.PathOf("deploy.key")));

        foreach (var edit in Edits)
        {
            var result = await run.RunAsync(edit);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', edit)}: {result.Err}");
            foreach (var secret in Secrets) Assert.DoesNotContain(secret, result.All);
        }

        var show = await run.RunAsync("credentials", "show");
        Assert.Equal(0, show.ExitCode);
        Assert.Equal("""
            application:
              name: myapp
              environment: production
              domain_provider:
                cloudflare:
                  api_token: cf-secret-token
                  account_id: acc123
              compute_provider:
                hetzner:
                  api_token: hz-secret-token
                  server_type: cx22
                  server_location: fsn1
              servers:
                master:
                  master: true
                  count: 1
                  volumes:
                    pgdata:
                      size: 20
              app:
                web:
                  servers:
                  - master
                  domain: example.com
                  subdomain: www
                  port: 3000
                  pre_run_command: bin/rails db:migrate
              database:
                servers:
                - master
                adapter: postgres
                secrets:
                  POSTGRES_USER: app
                  POSTGRES_PASSWORD: db-secret-pw
                  POSTGRES_DB: app_production
              services:
                redis:
                  servers:
                  - master
                  image: redis:7-alpine
                  port: 6379
              env:
                RAILS_ENV: production
              secrets:
                SECRET_KEY_BASE: skb-secret-value
              ssh_keys: <generated>

            """, WithoutKeys(show.Out));
        Assert.Equal(0, (await run.RunAsync("config", "validate")).ExitCode);
    }

    [Fact]
    public async Task Each_rm_undoes_its_set()
    {
        using var run = new CliRun();
        await run.RunAsync("config", "init", "--name", "myapp");
        var states = new List<string> { (await run.RunAsync("credentials", "show")).Out };
        foreach (var edit in Edits)
        {
            Assert.Equal(0, (await run.RunAsync(edit)).ExitCode);
            states.Add((await run.RunAsync("credentials", "show")).Out);
        }
        for (var i = 0; i < Removals.Length; i++)
        {
            var result = await run.RunAsync(Removals[i]);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', Removals[i])}: {result.Err}");
            Assert.Equal(states[Edits.Length - 1 - i], (await run.RunAsync("credentials", "show")).Out);
        }
    }

    [Fact]
    public async Task Set_prints_what_changed_with_secrets_masked()
    {
        using var run = new CliRun();
        await run.RunAsync("config", "init", "--name", "myapp");
        var result = await run.RunAsync("config", "secret", "set", "API_KEY", "s3cr3t-value");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("+ application.secrets.API_KEY = ********", result.Out);
        Assert.DoesNotContain("s3cr3t-value", result.All);

        var again = await run.RunAsync("config", "secret", "set", "API_KEY", "s3cr3t-value");
        Assert.Contains("nothing changed", again.Err);
    }

    [Theory]
    [InlineData("config server set Bad_Name", "application.servers.Bad_Name")]
    [InlineData("config app set web --servers nowhere", "server 'nowhere' not found")]
    [InlineData("config server rm ghost", "server 'ghost' not found")]
    [InlineData("config volume set master data --size 5", "application.servers.master.volumes.data.size")]
    [InlineData("config server set master --count 0", "application.servers.master.count")]
    public async Task An_invalid_edit_is_refused_and_leaves_the_file_untouched(string args, string expected)
    {
        using var run = new CliRun();
        await run.RunAsync("config", "init", "--name", "myapp");
        await run.RunAsync("config", "server", "set", "master", "--master");
        var before = File.ReadAllBytes(run.PathOf("deploy.enc"));
        var result = await run.RunAsync(args.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Err);
        Assert.DoesNotContain("   at ", result.Err);
        Assert.Equal(before, File.ReadAllBytes(run.PathOf("deploy.enc")));
    }

    [Fact]
    public async Task Init_refuses_to_overwrite_an_existing_config()
    {
        using var run = new CliRun();
        await run.RunAsync("config", "init", "--name", "myapp");
        var before = File.ReadAllBytes(run.PathOf("deploy.enc"));
        var again = await run.RunAsync("config", "init", "--name", "other");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already exists", again.Err);
        Assert.Equal(before, File.ReadAllBytes(run.PathOf("deploy.enc")));
    }

    [Fact]
    public async Task Credentials_set_sets_a_dot_path_and_validates()
    {
        using var run = new CliRun();
        await run.RunAsync("config", "init", "--name", "myapp");
        await run.RunAsync("config", "server", "set", "master", "--master");
        var ok = await run.RunAsync("credentials", "set", "servers.master.count", "3");
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("count: 3", (await run.RunAsync("credentials", "show")).Out);

        var before = File.ReadAllBytes(run.PathOf("deploy.enc"));
        var bad = await run.RunAsync("credentials", "set", "servers.master.count", "many");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("application.servers.master.count", bad.Err);
        Assert.Equal(before, File.ReadAllBytes(run.PathOf("deploy.enc")));

        var secret = await run.RunAsync("credentials", "set", "secrets.TOKEN", "tok-value-1");
        Assert.Equal(0, secret.ExitCode);
        Assert.DoesNotContain("tok-value-1", secret.All);
    }
}
