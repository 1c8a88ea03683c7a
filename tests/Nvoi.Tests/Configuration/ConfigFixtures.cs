using System.Text.Json;
using Nvoi.Configuration;

namespace Nvoi.Tests.Configuration;

internal static class ConfigFixtures
{
    /// <summary>A valid config using every key the loader accepts.</summary>
    public const string FullYaml = """
        application:
          name: myapp
          environment: production
          keep_count: 3
          domain_provider:
            cloudflare:
              api_token: cf-token
              account_id: cf-account
          compute_provider:
            hetzner:
              api_token: hz-token
              server_type: cx22
              server_location: fsn1
          servers:
            master:
              master: true
              type: cx32
              location: fsn1
              count: 1
              volumes:
                pgdata:
                  size: 20
                uploads:
                  size: 10
            workers:
              type: cx22
              count: 2
          app:
            web:
              servers: [master]
              domain: example.com
              subdomain: www
              port: 3000
              command: bundle exec puma
              pre_run_command: bin/rails db:migrate
              healthcheck:
                type: http
                path: /health
                port: 3000
                command: /bin/true
                interval: 10s
                timeout: 5s
                retries: 3
              env:
                WEB_CONCURRENCY: "2"
              mounts:
                uploads: /app/public/uploads
            worker:
              servers: [workers]
              command: bundle exec sidekiq
              replicas: 3
              resources:
                requests:
                  cpu: 250m
                  memory: 256Mi
                limits:
                  cpu: "1"
                  memory: 1Gi
              crons:
                cleanup:
                  schedule: 0 3 * * *
                  command: bin/rails cleanup:sessions
          database:
            servers: [master]
            adapter: postgres
            image: postgres:16-alpine
            mount:
              pgdata: /var/lib/postgresql/data
            secrets:
              POSTGRES_USER: app
              POSTGRES_PASSWORD: s3cret
              POSTGRES_DB: app_production
            path: /data/app.db
          services:
            redis:
              servers: [master]
              image: redis:7-alpine
              command: redis-server
              port: 6379
              env:
                REDIS_ARGS: --appendonly yes
          env:
            RAILS_ENV: production
          secrets:
            SECRET_KEY_BASE: abc123
          ssh_keys:
            private_key: |
              -----BEGIN OPENSSH PRIVATE KEY-----
              b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ
              -----END OPENSSH PRIVATE KEY-----
            public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 nvoi-deploy
            host_keys:
              myapp-master-1: ssh-ed25519 AAAAhost
        """;

    public static DeployConfig Full() => ConfigLoader.Load(FullYaml);

    /// <summary>Deep, order-sensitive comparison of two configs (records hold maps by reference).</summary>
    public static string Canonical(DeployConfig config) => JsonSerializer.Serialize(config);

    public static ConfigException LoadFails(string yaml) => Assert.Throws<ConfigException>(() => ConfigLoader.Load(yaml));

    public static void HasError(IEnumerable<ConfigError> errors, string path, string message)
    {
        var list = errors.ToList();
        Assert.True(list.Any(e => e.Path == path && e.Message == message),
            $"expected '{path}: {message}' among:\n{string.Join("\n", list)}");
    }
}
