using Nvoi.Configuration;
using static Nvoi.Tests.Configuration.ConfigFixtures;

namespace Nvoi.Tests.Configuration;

public class EnvResolverTests
{
    [Fact]
    public void Managed_postgres_env_in_order()
    {
        var config = Full();
        config.Application.Secrets["DATABASE_URL"] = "from-secrets";       // overridden by the managed database
        config.Application.App["web"].Env["POSTGRES_HOST"] = "custom-host"; // the service's own env wins
        var env = EnvResolver.ForApp(config, "web");

        Assert.Equal(
            ["DEPLOY_ENV", "DATABASE_ADAPTER", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "RAILS_ENV",
             "SECRET_KEY_BASE", "DATABASE_URL", "POSTGRES_HOST", "POSTGRES_PORT", "WEB_CONCURRENCY"],
            env.Keys);
        Assert.Equal("production", env["DEPLOY_ENV"]);
        Assert.Equal("postgres", env["DATABASE_ADAPTER"]);
        Assert.Equal("postgresql://app:s3cret@db-myapp:5432/app_production", env["DATABASE_URL"]);
        Assert.Equal("custom-host", env["POSTGRES_HOST"]);
        Assert.Equal("5432", env["POSTGRES_PORT"]);
        Assert.Equal("app_production", env["POSTGRES_DB"]);
        Assert.Equal("abc123", env["SECRET_KEY_BASE"]);
        Assert.Equal("2", env["WEB_CONCURRENCY"]);
        Assert.False(env.ContainsKey("REDIS_ARGS"));
    }

    [Fact]
    public void Service_env_only_applies_to_its_service()
    {
        var config = Full();
        Assert.True(EnvResolver.ForApp(config, "web").ContainsKey("WEB_CONCURRENCY"));
        Assert.False(EnvResolver.ForApp(config, "worker").ContainsKey("WEB_CONCURRENCY"));
    }

    [Fact]
    public void Managed_mysql_env()
    {
        var config = Full();
        var db = config.Application.Database!;
        db.Adapter = "mysql";
        db.Secrets = new() { ["MYSQL_USER"] = "u", ["MYSQL_PASSWORD"] = "p@ss/word", ["MYSQL_DATABASE"] = "shop" };
        var env = EnvResolver.ForApp(config, "worker");
        Assert.Equal("mysql://u:p%40ss%2Fword@db-myapp:3306/shop", env["DATABASE_URL"]);
        Assert.Equal("db-myapp", env["MYSQL_HOST"]);
        Assert.Equal("3306", env["MYSQL_PORT"]);
        Assert.Equal("u", env["MYSQL_USER"]);
        Assert.Equal("p@ss/word", env["MYSQL_PASSWORD"]);
        Assert.Equal("shop", env["MYSQL_DATABASE"]);
        Assert.Equal("mysql", env["DATABASE_ADAPTER"]);
        Assert.False(env.ContainsKey("POSTGRES_HOST"));
    }

    [Theory]
    [InlineData("sqlite3")]
    [InlineData("sqlite")]
    public void Sqlite_url_uses_first_mount_path(string adapter)
    {
        var config = Full();
        var db = config.Application.Database!;
        db.Adapter = adapter;
        db.Secrets.Clear();
        db.Mount = new() { ["pgdata"] = "/data", ["uploads"] = "/other" };
        var env = EnvResolver.ForApp(config, "web");
        Assert.Equal("sqlite:///data/myapp-database.sqlite3", env["DATABASE_URL"]);
        Assert.Equal(adapter, env["DATABASE_ADAPTER"]);
        Assert.False(env.ContainsKey("POSTGRES_HOST"));
    }

    [Fact]
    public void Sqlite_without_mount_is_a_config_error()
    {
        var config = Full();
        config.Application.Database!.Adapter = "sqlite3";
        config.Application.Database.Mount.Clear();
        var e = Assert.Throws<ConfigException>(() => EnvResolver.ForApp(config, "web"));
        Assert.Equal("application.database.mount: sqlite3 requires database.mount to be configured", e.Message);
    }

    [Fact]
    public void External_url_is_passed_through_without_managed_variables()
    {
        var config = Full();
        var db = config.Application.Database!;
        db.Url = "postgres://ext:pw@db.example.com:6543/prod";
        db.Secrets.Clear();
        var env = EnvResolver.ForApp(config, "web");
        Assert.Equal("postgres://ext:pw@db.example.com:6543/prod", env["DATABASE_URL"]);
        Assert.False(env.ContainsKey("POSTGRES_HOST"));
        Assert.Empty(EnvResolver.ManagedDatabaseEnv(config));
    }

    [Fact]
    public void Later_sources_win_and_no_database_means_no_database_variables()
    {
        var config = Full();
        config.Application.Database = null;
        config.Application.Env["X"] = "env";
        config.Application.Secrets["X"] = "secret";
        var env = EnvResolver.ForApp(config, "worker");
        Assert.Equal("secret", env["X"]);
        Assert.False(env.ContainsKey("DATABASE_URL"));
        Assert.False(env.ContainsKey("DATABASE_ADAPTER"));
        config.Application.App["worker"].Env["X"] = "service";
        Assert.Equal("service", EnvResolver.ForApp(config, "worker")["X"]);
    }

    [Fact]
    public void Branch_name_reaches_the_database_host()
    {
        var env = EnvResolver.ForApp(BranchOverride.Apply(Full(), "feat-x"), "web");
        Assert.Equal("db-myapp-feat-x", env["POSTGRES_HOST"]);
        Assert.Contains("@db-myapp-feat-x:5432/", env["DATABASE_URL"]);
    }
}
