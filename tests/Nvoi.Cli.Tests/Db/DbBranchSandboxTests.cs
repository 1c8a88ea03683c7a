using System.Text;
using System.Text.Json;

namespace Nvoi.Cli.Tests.Db;

public class DbBranchSandboxTests
{
    [Theory]
    [MemberData(nameof(DbProject.Examples), MemberType = typeof(DbProject))]
    public async Task Create_list_download_restore_round_trip(string example)
    {
        using var p = await DbProject.DeployAsync(example);
        var seeded = await p.SeedAsync(64 * 1024);

        var create = await p.NvoiAsync("db", "branch", "create", "before-migration", "--plain");
        Assert.True(create.ExitCode == 0, create.All);
        Assert.Contains($"sha256 {seeded}", create.Out);
        Assert.Equal(seeded, await p.Host.FileSha256Async($"{p.BranchesDir}/before-migration.{p.Extension}"));

        var list = await p.NvoiAsync("db", "branch", "list", "--plain");
        Assert.True(list.ExitCode == 0, list.All);
        Assert.Matches(@"before-migration\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+64\.0 KB\s+" + (p.IsSqlite ? "sqlite3" : p.Adapter), list.Out);
        var json = Assert.Single((await p.ListJsonAsync()).EnumerateArray());
        Assert.Equal(seeded, json.GetProperty("sha256").GetString());
        Assert.Equal(65536, json.GetProperty("size").GetInt64());

        var download = await p.NvoiAsync("db", "branch", "download", "before-migration", "--plain");
        Assert.True(download.ExitCode == 0, download.All);
        var local = p.Project.Run.PathOf($"before-migration.{p.Extension}");
        Assert.Equal(seeded, DbProject.FileSha256(local));
        Assert.Equal(DumpContent.Header, File.ReadAllBytes(local)[..DumpContent.Header.Length]);

        var restore = await p.NvoiAsync("db", "branch", "restore", "before-migration", "--plain");
        Assert.True(restore.ExitCode == 0, restore.All);
        var newDb = $"{p.Database}_before_migration";
        Assert.Equal(seeded, await p.RestoredSha256Async(newDb));
        var expectedCommand = p.Adapter switch
        {
            "postgres" => $"nvoi credentials set database.secrets.POSTGRES_DB {newDb}",
            "mysql" => $"nvoi credentials set database.secrets.MYSQL_DATABASE {newDb}",
            _ => $"nvoi credentials set database.secrets.DATABASE_URL sqlite:///app/data/{newDb}.sqlite3",
        };
        Assert.Contains(expectedCommand, restore.Out);

        // A second restore into the same name is refused; the first copy stays.
        var again = await p.NvoiAsync("db", "branch", "restore", "before-migration", "--plain");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("exist", again.Err);

        foreach (var secret in p.Project.SecretValues()) Assert.DoesNotContain(secret, create.All + list.All + restore.All + download.All);
    }

    [Fact]
    public async Task Default_id_is_the_utc_timestamp_and_names_are_quoted_identifiers()
    {
        using var p = await DbProject.DeployAsync("hetzner-postgres");
        // A database nobody wrote to yet dumps as an empty database.
        var create = await p.NvoiAsync("db", "branch", "create", "--json");
        Assert.True(create.ExitCode == 0, create.All);
        var id = JsonDocument.Parse(create.Out).RootElement.GetProperty("id").GetString()!;
        Assert.Matches(@"^\d{14}$", id);
        Assert.InRange(DateTime.ParseExact(id, "yyyyMMddHHmmss", null), DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));

        var odd = "we\"ird name ü";
        var restore = await p.NvoiAsync("db", "branch", "restore", id, odd, "--plain");
        Assert.True(restore.ExitCode == 0, restore.All);
        Assert.NotNull(await p.RestoredSha256Async(odd));
        Assert.Contains("nvoi credentials set database.secrets.POSTGRES_DB 'we\"ird name ü'", restore.Out);

        var bad = await p.NvoiAsync("db", "branch", "restore", id, "bad\nname", "--plain");
        Assert.Equal(2, bad.ExitCode); // invalid input
        Assert.Contains("invalid database name", bad.Err);
        var badId = await p.NvoiAsync("db", "branch", "create", "../escape", "--plain");
        Assert.Equal(2, badId.ExitCode);
        Assert.Contains("invalid branch id", badId.Err);
        var missing = await p.NvoiAsync("db", "branch", "download", "nope", "--plain");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal(2, (await p.NvoiAsync("db", "branch", "restore", "nope", "--plain")).ExitCode);
        Assert.Contains("no branch nope", missing.Err);
    }

    [Theory]
    [InlineData("hetzner-postgres")]
    [InlineData("sqlite")]
    public async Task A_branch_written_by_0_2_0_is_listed_restored_and_downloaded(string example)
    {
        using var p = await DbProject.DeployAsync(example);
        // 0.2.0 wrote every dump as ID.sql (sqlite: `sqlite3 .dump` text) and this branches.json.
        var dump = Encoding.UTF8.GetBytes("CREATE TABLE t (x);\nINSERT INTO t VALUES ('NVOI_DUMP_EOF');\n");
        await p.WriteRemoteAsync($"{p.BranchesDir}/20250102-030405.sql", dump);
        await p.WriteRemoteAsync($"{p.BranchesDir}/branches.json", Encoding.UTF8.GetBytes($$"""
            {
              "branches": [
                {
                  "id": "20250102-030405",
                  "created_at": "2025-01-02T03:04:05+01:00",
                  "size": {{dump.Length}},
                  "adapter": "{{(p.IsSqlite ? "sqlite3" : "postgres")}}",
                  "database": "{{(p.IsSqlite ? "app.db" : p.Database)}}"
                }
              ]
            }
            """));

        var list = await p.NvoiAsync("db", "branch", "list", "--plain");
        Assert.Matches(@"20250102-030405\s+2025-01-02 03:04:05\s+" + $"{dump.Length}.0 B", list.Out);

        var restore = await p.NvoiAsync("db", "branch", "restore", "20250102-030405", "old_copy", "--plain");
        Assert.True(restore.ExitCode == 0, restore.All);
        Assert.Contains("no recorded checksum", restore.Err);
        Assert.NotNull(await p.RestoredSha256Async("old_copy"));

        var download = await p.NvoiAsync("db", "branch", "download", "20250102-030405", "-p", "old.sql", "--plain");
        Assert.True(download.ExitCode == 0, download.All);
        Assert.Equal(dump, File.ReadAllBytes(p.Project.Run.PathOf("old.sql")));

        // A new branch is appended; the old entry stays as it was.
        await p.SeedAsync(1000);
        Assert.Equal(0, (await p.NvoiAsync("db", "branch", "create", "new-one", "--plain")).ExitCode);
        var all = (await p.ListJsonAsync()).EnumerateArray().ToList();
        Assert.Equal(["20250102-030405", "new-one"], all.Select(b => b.GetProperty("id").GetString()));
        Assert.False(all[0].TryGetProperty("sha256", out _));
    }

    [Fact]
    public async Task A_sqlite_backup_branch_of_an_earlier_version_is_restored_and_downloaded_under_its_name()
    {
        using var p = await DbProject.DeployAsync("sqlite");
        // Our versions before 0.3 kept sqlite branches as ID.sqlite3 backup files, with a checksum.
        var backup = Encoding.ASCII.GetBytes("SQLite format 3\0 an earlier backup");
        await p.WriteRemoteAsync($"{p.BranchesDir}/b0.sqlite3", backup);
        await p.WriteRemoteAsync($"{p.BranchesDir}/branches.json", Encoding.UTF8.GetBytes($$"""
            {"branches": [{"id": "b0", "created_at": "2026-01-02T03:04:05Z", "size": {{backup.Length}}, "adapter": "sqlite3",
              "database": "notes-database.sqlite3", "sha256": "{{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(backup))}}"}]}
            """));

        var restore = await p.NvoiAsync("db", "branch", "restore", "b0", "older", "--plain");
        Assert.True(restore.ExitCode == 0, restore.All);
        Assert.DoesNotContain("no recorded checksum", restore.Err);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(backup)), await p.RestoredSha256Async("older"));

        var download = await p.NvoiAsync("db", "branch", "download", "b0", "--plain");
        Assert.True(download.ExitCode == 0, download.All);
        Assert.Equal(backup, File.ReadAllBytes(p.Project.Run.PathOf("b0.sqlite3")));

        // A new branch is ID.sql, like 0.2.0's, beside it.
        await p.SeedAsync(100);
        Assert.Equal(0, (await p.NvoiAsync("db", "branch", "create", "b1", "--plain")).ExitCode);
        Assert.NotNull(await p.Host.FileSha256Async($"{p.BranchesDir}/b1.sql"));
        Assert.Null(await p.Host.FileSha256Async($"{p.BranchesDir}/b1.sqlite3"));
        Assert.Equal(0, (await p.NvoiAsync("db", "branch", "download", "b1", "--plain")).ExitCode);
        Assert.True(File.Exists(p.Project.Run.PathOf("b1.sql")));
    }

    [Fact]
    public async Task A_tampered_branch_is_neither_restored_nor_downloaded()
    {
        using var p = await DbProject.DeployAsync("aws");
        await p.SeedAsync(10_000);
        Assert.Equal(0, (await p.NvoiAsync("db", "branch", "create", "b1", "--plain")).ExitCode);
        await p.WriteRemoteAsync($"{p.BranchesDir}/b1.sql", Encoding.UTF8.GetBytes("DROP DATABASE api_production;\n"));

        var restore = await p.NvoiAsync("db", "branch", "restore", "b1", "--plain");
        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("checksum mismatch", restore.Err);
        Assert.Null(await p.RestoredSha256Async("api_production_b1"));

        var download = await p.NvoiAsync("db", "branch", "download", "b1", "--plain");
        Assert.Equal(1, download.ExitCode);
        Assert.Contains("checksum mismatch", download.Err);
        Assert.Empty(Directory.GetFiles(p.Project.Run.Dir, "b1.sql*"));
    }
}

public class DbBranchSqliteErrorTests
{
    [Fact]
    public async Task Sqlite_without_a_database_file_is_a_clear_error()
    {
        using var p = await DbProject.DeployAsync("sqlite");
        var create = await p.NvoiAsync("db", "branch", "create", "b1", "--plain");
        Assert.Equal(1, create.ExitCode);
        Assert.Contains("no sqlite database at /opt/nvoi/volumes/notes-master-data/notes-database.sqlite3", create.Err);
        Assert.Empty((await p.ListJsonAsync()).EnumerateArray());
    }
}
