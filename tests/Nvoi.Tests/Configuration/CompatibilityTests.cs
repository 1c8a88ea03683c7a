using Nvoi.Configuration;

namespace Nvoi.Tests.Configuration;

/// <summary>Shapes of files nvoi 0.2.0 writes: its first-run template and Ruby's YAML.dump output.</summary>
public class CompatibilityTests
{
    [Fact]
    public void First_run_template_shape_loads_and_validates()
    {
        // 0.2.0's template leaves env and secrets with only comments under them (null values).
        const string yaml = """
            # comment header

            application:
              name: shop
              environment: production

              domain_provider:
                cloudflare:
                  api_token: TOKEN
                  account_id: ACCOUNT

              compute_provider:
                hetzner:
                  api_token: HTOKEN
                  server_type: cx22
                  server_location: fsn1

              servers:
                master:
                  type: cx22
                  location: fsn1

              keep_count: 2

              app:
                web:
                  servers: [master]
                  domain: example.com
                  subdomain: app
                  port: 3000
                  healthcheck:
                    type: http
                    path: /health
                    port: 3000

              env:
                # nothing yet

              secrets:
                # nothing yet

              ssh_keys:
                private_key: |
                  -----BEGIN OPENSSH PRIVATE KEY-----
                  AAAA
                  -----END OPENSSH PRIVATE KEY-----
                public_key: ssh-ed25519 AAAA nvoi-deploy
            """;
        var config = ConfigSource.FromText(yaml);
        Assert.Empty(config.Application.Env);
        Assert.Equal(["master"], config.Application.Servers.Keys);
        Assert.Equal("app.example.com", Names.Hostname(config.Application.App["web"].Subdomain, "example.com"));
    }

    [Fact]
    public void Ruby_yaml_dump_style_loads()
    {
        // YAML.dump: explicit document start, quoted numeric strings, literal block for multi-line text.
        const string yaml = """
            ---
            application:
              name: shop
              environment: production
              domain_provider:
                cloudflare:
                  api_token: abc
                  account_id: '123456'
              compute_provider:
                scaleway:
                  secret_key: k
                  project_id: p
                  server_type: DEV1-S
              servers:
                master:
                  master: true
                  count: 1
                  volumes:
                    data:
                      size: 10
              database:
                servers:
                - master
                adapter: sqlite3
                mount:
                  data: "/app/data"
              secrets:
                PIN: '0042'
              ssh_keys:
                private_key: |
                  -----BEGIN OPENSSH PRIVATE KEY-----
                  AAAA
                  -----END OPENSSH PRIVATE KEY-----
                public_key: ssh-ed25519 AAAA nvoi-deploy
            """;
        var config = ConfigSource.FromText(yaml);
        Assert.Equal("123456", config.Application.DomainProvider!.Cloudflare!.AccountId);
        Assert.Equal("0042", config.Application.Secrets["PIN"]);
        Assert.Equal("fr-par-1", config.Application.ComputeProvider!.Scaleway!.ZoneValue);
        Assert.Equal("sqlite:///app/data/shop-database.sqlite3", EnvResolver.ForApp(config, "none")["DATABASE_URL"]);
        // Our writer keeps "0042" a string for Ruby too.
        Assert.Contains("PIN: \"0042\"", ConfigWriter.Write(config));
    }
}
