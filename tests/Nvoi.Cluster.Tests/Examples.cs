using Nvoi.Cluster;
using Nvoi.Configuration;

namespace Nvoi.Cluster.Tests;

/// <summary>The example configs the manifest baselines are built from.</summary>
public static class Examples
{
    public const string Image = "localhost:30500/nvoi-shop:20260101120000";

    /// <summary>One server, a web app with a healthcheck and a migration, managed postgres on a server volume.</summary>
    public static Application SinglePostgres() => new()
    {
        Name = "shop",
        Environment = "production",
        Servers = { ["master"] = new ServerGroup { Master = true, Volumes = { ["pgdata"] = new ServerVolume { Size = 20 } } } },
        App =
        {
            ["web"] = new AppService
            {
                Servers = ["master"], Domain = "example.com", Subdomain = "www", Port = 3000,
                Command = "bundle exec puma -C config/puma.rb", PreRunCommand = "bin/rails db:migrate",
                Healthcheck = new HealthCheck { Type = "http", Path = "/up", Port = 3000, Interval = "15s", Timeout = "3s", Retries = 5 },
                Env = { ["WEB_CONCURRENCY"] = "2" },
            },
        },
        Database = new Database
        {
            Servers = ["master"], Adapter = "postgres", Image = "postgres:16-alpine",
            Mount = { ["pgdata"] = "/var/lib/postgresql/data" },
            Secrets = { ["POSTGRES_USER"] = "shop", ["POSTGRES_PASSWORD"] = "pg-secret-pw-1", ["POSTGRES_DB"] = "shop_production" },
        },
        Env = { ["RAILS_ENV"] = "production" },
        Secrets = { ["SECRET_KEY_BASE"] = "skb-secret-value-1" },
    };

    /// <summary>A master and two workers: web on workers, a worker process, postgres on a PVC, redis on the master.</summary>
    public static Application Cluster() => new()
    {
        Name = "shop",
        Environment = "production",
        Servers =
        {
            ["master"] = new ServerGroup { Master = true, Volumes = { ["redis_data"] = new ServerVolume() } },
            ["workers"] = new ServerGroup { Count = 2 },
        },
        App =
        {
            ["web"] = new AppService { Servers = ["workers"], Domain = "example.com", Subdomain = "app", Port = 8080, Healthcheck = new HealthCheck { Type = "tcp" } },
            ["jobs"] = new AppService { Servers = ["master", "workers"], Command = "bin/jobs", Healthcheck = new HealthCheck { Type = "exec", Command = "test -f /tmp/alive" } },
        },
        Database = new Database
        {
            Servers = ["master"], Adapter = "postgresql",
            Secrets = { ["POSTGRES_USER"] = "shop", ["POSTGRES_PASSWORD"] = "pg-secret-pw-2", ["POSTGRES_DB"] = "shop" },
        },
        Services =
        {
            ["redis"] = new ExtraService { Servers = ["master"], Image = "redis:7-alpine", Command = "redis-server --appendonly yes", Port = 6379, Mount = { ["redis_data"] = "/data" } },
        },
        Secrets = { ["API_KEY"] = "api-secret-value-2" },
    };

    /// <summary>An app on the apex (example.com and *.example.com), mysql on a PVC.</summary>
    public static Application Apex() => new()
    {
        Name = "site",
        Environment = "production",
        Servers = { ["main"] = new ServerGroup { Master = true } },
        App = { ["web"] = new AppService { Servers = ["main"], Domain = "example.com", Subdomain = "@", Port = 80 } },
        Database = new Database
        {
            Servers = ["main"], Adapter = "mysql",
            Secrets = { ["MYSQL_USER"] = "site", ["MYSQL_PASSWORD"] = "my-secret-pw-3", ["MYSQL_DATABASE"] = "site", ["MYSQL_ROOT_PASSWORD"] = "my-root-pw-3" },
        },
    };

    /// <summary>sqlite on a server volume, shared with the app through a hostPath mount.</summary>
    public static Application Sqlite() => new()
    {
        Name = "notes",
        Environment = "production",
        Servers = { ["master"] = new ServerGroup { Master = true, Volumes = { ["db"] = new ServerVolume(), ["uploads"] = new ServerVolume() } } },
        App = { ["web"] = new AppService { Servers = ["master"], Domain = "notes.dev", Subdomain = "", Port = 4000, Mounts = { ["uploads"] = "/app/uploads" } } },
        Database = new Database { Servers = ["master"], Adapter = "sqlite3", Mount = { ["db"] = "/app/db" } },
    };

    /// <summary>The cluster example sized: 3 web replicas with their own requests and limits, a worker with one limit, two crons.</summary>
    public static Application Sized()
    {
        var app = Cluster();
        app.Name = "fleet"; // its own objects beside the other examples' in one cluster
        var web = app.App["web"];
        web.Replicas = 3;
        web.Resources = new Resources
        {
            Requests = new ResourceAmounts { Cpu = "250m", Memory = "256Mi" },
            Limits = new ResourceAmounts { Cpu = "1", Memory = "1Gi" },
        };
        web.Crons["cleanup"] = new CronConfig { Schedule = "0 3 * * *", Command = "bin/rails cleanup:sessions" };
        var jobs = app.App["jobs"];
        jobs.Resources = new Resources { Limits = new ResourceAmounts { Memory = "2Gi" } };
        jobs.Crons["report"] = new CronConfig { Schedule = "*/15 * * * 1-5", Command = "bin/report --since 15m" };
        return app;
    }

    /// <summary>A stand-in for the env resolver's output (reference §4) for each example.</summary>
    public static Dictionary<string, string> Env(Application app)
    {
        var env = new Dictionary<string, string> { ["DEPLOY_ENV"] = app.Environment! };
        if (app.Database is { } db)
        {
            env["DATABASE_ADAPTER"] = db.Adapter!;
            foreach (var (k, v) in db.Secrets) env[k] = v;
            if (ManifestBuilder.DatabaseKind(db) == "sqlite") env["DATABASE_URL"] = $"sqlite://{db.Mount.First().Value}/{app.Name}-database.sqlite3";
            else env["DATABASE_URL"] = $"{db.Adapter}://user:{db.Secrets.Values.ElementAt(1)}@db-{app.Name}/app";
        }
        foreach (var (k, v) in app.Env) env[k] = v;
        foreach (var (k, v) in app.Secrets) env[k] = v;
        return env;
    }

    public static ManifestInputs Inputs(Application app) => new()
    {
        Config = app,
        AppEnv = Env(app),
        Image = Image,
        TunnelTokens = app.App.Where(p => p.Value.Domain is not null).ToDictionary(p => p.Key, p => $"tunnel-token-secret-{p.Key}"),
    };

    public static readonly IReadOnlyDictionary<string, Func<Application>> All = new Dictionary<string, Func<Application>>
    {
        ["single-postgres"] = SinglePostgres,
        ["cluster-postgres-redis"] = Cluster,
        ["apex-wildcard"] = Apex,
        ["sqlite"] = Sqlite,
        ["sized-crons"] = Sized,
    };
}
