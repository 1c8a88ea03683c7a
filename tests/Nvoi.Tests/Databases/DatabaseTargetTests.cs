using Nvoi.Configuration;
using Nvoi.Databases;

namespace Nvoi.Tests.Databases;

public class DatabaseTargetTests
{
    private static DeployConfig Config(Database db, bool dbOnMaster = true) => new()
    {
        Application = new Application
        {
            Name = "shop",
            Servers = new()
            {
                ["master"] = new ServerGroup { Master = true },
                ["data"] = new ServerGroup(),
            },
            Database = db with { Servers = [dbOnMaster ? "master" : "data"] },
        },
    };

    [Fact]
    public void Postgres_target_uses_the_reference_names()
    {
        var t = DatabaseTarget.From(Config(new Database { Adapter = "PostgreSQL", Secrets = new() { ["POSTGRES_DB"] = "shop_production" } }));
        Assert.Equal(DatabaseAdapter.Postgres, t.Adapter);
        Assert.Equal("shop-master-1", t.Server);
        Assert.True(t.ServerIsMaster);
        Assert.Equal("db-shop-0", t.Pod);
        Assert.Equal("/mnt/db-branches/shop/b1.sql", t.BranchFile("b1"));
        Assert.Equal("/mnt/db-branches/shop/branches.json", t.MetadataFile);
        Assert.Equal("shop_production_2025_01", t.DefaultRestoreName("2025-01"));
        Assert.Equal("nvoi credentials set database.secrets.POSTGRES_DB 'a b'", t.SwitchCommand("a b"));
    }

    [Fact]
    public void Mysql_on_a_worker_group_is_not_on_the_master()
    {
        var t = DatabaseTarget.From(Config(new Database { Adapter = "mysql", Secrets = new() { ["MYSQL_DATABASE"] = "api" } }, dbOnMaster: false));
        Assert.Equal("shop-data-1", t.Server);
        Assert.False(t.ServerIsMaster);
        Assert.Equal("nvoi credentials set database.secrets.MYSQL_DATABASE api_x", t.SwitchCommand("api_x"));
    }

    [Fact]
    public void Sqlite_target_is_the_file_the_app_uses()
    {
        var t = DatabaseTarget.From(Config(new Database { Adapter = "sqlite3", Mount = new() { ["data"] = "/app/data/" } }));
        Assert.Equal("/opt/nvoi/volumes/shop-master-data/shop-database.sqlite3", t.SqliteHostPath);
        Assert.Equal("/mnt/db-branches/shop/b1.sql", t.BranchFile("b1"));
        Assert.Equal(["/mnt/db-branches/shop/b1.sql", "/mnt/db-branches/shop/b1.sqlite3"], t.BranchFileCandidates("b1"));
        Assert.Equal("shop-database_b1", t.DefaultRestoreName("b1"));
        Assert.Equal("/opt/nvoi/volumes/shop-master-data/copy.sqlite3", t.SqliteRestorePath("copy"));
        Assert.Equal("nvoi credentials set database.secrets.DATABASE_URL sqlite:///app/data/copy.sqlite3", t.SwitchCommand("copy"));
    }

    [Fact]
    public void Missing_or_external_databases_are_clear_errors()
    {
        Assert.Contains("no database", Assert.Throws<NvoiException>(() => DatabaseTarget.From(new DeployConfig { Application = new Application { Name = "a" } })).Message);
        Assert.Contains("external", Assert.Throws<NvoiException>(() => DatabaseTarget.From(Config(new Database { Adapter = "postgres", Url = "postgres://x" }))).Message);
        Assert.Contains("POSTGRES_DB", Assert.Throws<NvoiException>(() => DatabaseTarget.From(Config(new Database { Adapter = "postgres" }))).Message);
        Assert.Contains("mount", Assert.Throws<NvoiException>(() => DatabaseTarget.From(Config(new Database { Adapter = "sqlite" }))).Message);
    }
}
