using System.Security.Cryptography;
using Nvoi.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>
/// The real db-branch scripts. The stub <c>k3s kubectl exec -i POD -- CMD…</c> runs CMD here with the
/// pod's environment (so the pod-side shell code runs for real); pg_dump/psql/mysqldump/mysql are
/// stubs logging their argv and environment; sqlite3 is the real one.
/// </summary>
public sealed class DbBranchScriptTests : IDisposable
{
    private readonly StubbedShell _sh = new();
    private string Dir => Path.Combine(_sh.Work, "branches");
    private string Dump => Path.Combine(_sh.State, "db-content");

    public DbBranchScriptTests()
    {
        _sh.Stub("chown", "exit 0");
        _sh.Stub("k3s", """
            [ "$1 $2 $3 $5" = "kubectl exec -i --" ] || { echo "unexpected k3s $*" >&2; exit 99; }
            echo "$4" >>"$STUB_STATE/pods"
            shift 5
            exec env POSTGRES_USER=pguser MYSQL_USER=myuser MYSQL_PASSWORD=s3cret "$@"
            """);
        foreach (var dumper in new[] { "pg_dump", "mysqldump" })
            _sh.Stub(dumper, $$"""echo "{{dumper}} env PGDATABASE=${PGDATABASE:-} MYSQL_PWD=${MYSQL_PWD:-}" >>"$STUB_STATE/env"; cat "$STUB_STATE/db-content" """);
        foreach (var client in new[] { "psql", "mysql" })
            _sh.Stub(client, $$"""
                echo "{{client}} env PGDATABASE=${PGDATABASE:-} MYSQL_PWD=${MYSQL_PWD:-}" >>"$STUB_STATE/env"
                case "$*" in *CREATE*|*DROP*) exit 0 ;; esac
                cat >"$STUB_STATE/loaded"
                """);
    }

    public void Dispose() => _sh.Dispose();

    private static byte[] Content()
    {
        var bytes = new List<byte>();
        bytes.AddRange("NVOI_DUMP_EOF\nSQLDUMP\n"u8.ToArray());
        for (var i = 0; i < 256; i++) bytes.Add((byte)i);
        return [.. bytes];
    }

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    [Fact]
    public async Task Postgres_dump_streams_into_the_branch_and_restore_loads_it_into_a_quoted_new_database()
    {
        var content = Content();
        await File.WriteAllBytesAsync(Dump, content);
        var create = await _sh.RunAsync(HostScripts.DbBranchCreate, "postgres", Dir, "b1", "db-shop-0", "shop prod");
        Assert.Equal((0, $"sha256: {Sha(content)}\nsize: {content.Length}\n", ""), create);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(Dir, "b1.sql")));
        Assert.Empty(Directory.GetFiles(Dir, "*.partial"));
        Assert.Contains("pg_dump -U pguser --no-owner --no-acl", _sh.Read("argv"));
        Assert.Contains("pg_dump env PGDATABASE=shop prod", _sh.Read("env"));

        var again = await _sh.RunAsync(HostScripts.DbBranchCreate, "postgres", Dir, "b1", "db-shop-0", "shop prod");
        Assert.Equal(3, again.Code);

        var restore = await _sh.RunAsync(HostScripts.DbBranchRestore, "postgres", Path.Combine(Dir, "b1.sql"), Sha(content),
            "db-shop-0", "new \"db\"", "\"new \"\"db\"\"\"");
        Assert.Equal((0, "restored: new \"db\"\n", ""), restore);
        Assert.Contains("psql -U pguser -d postgres -v ON_ERROR_STOP=1 -q -c CREATE DATABASE \"new \"\"db\"\"\"", _sh.Read("argv"));
        Assert.Contains("psql env PGDATABASE=new \"db\"", _sh.Read("env"));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(_sh.State, "loaded")));
    }

    [Fact]
    public async Task Mysql_password_stays_in_the_pod_environment_never_on_a_command_line()
    {
        await File.WriteAllBytesAsync(Dump, Content());
        var create = await _sh.RunAsync(HostScripts.DbBranchCreate, "mysql", Dir, "b1", "db-api-0", "api");
        Assert.Equal(0, create.Code);
        var restore = await _sh.RunAsync(HostScripts.DbBranchRestore, "mysql", Path.Combine(Dir, "b1.sql"), "-", "db-api-0", "api_b1", "`api_b1`");
        Assert.Equal(0, restore.Code);
        Assert.DoesNotContain("s3cret", _sh.Read("argv"));
        Assert.Contains("mysqldump env PGDATABASE= MYSQL_PWD=s3cret", _sh.Read("env"));
        Assert.Contains("mysql -u myuser -e CREATE DATABASE `api_b1`", _sh.Read("argv"));
        Assert.Contains("mysql -u myuser --database=api_b1", _sh.Read("argv"));
    }

    [Fact]
    public async Task A_checksum_mismatch_restores_nothing()
    {
        await File.WriteAllBytesAsync(Dump, Content());
        Assert.Equal(0, (await _sh.RunAsync(HostScripts.DbBranchCreate, "postgres", Dir, "b1", "db-shop-0", "shop")).Code);
        var restore = await _sh.RunAsync(HostScripts.DbBranchRestore, "postgres", Path.Combine(Dir, "b1.sql"), new string('0', 64),
            "db-shop-0", "x", "\"x\"");
        Assert.Equal(5, restore.Code);
        Assert.Contains("checksum mismatch", restore.Stderr);
        Assert.DoesNotContain("psql", _sh.Read("argv"));
    }

    [Fact]
    public async Task Sqlite_branch_is_a_sql_dump_like_0_2_0s_and_an_older_backup_file_restores_too()
    {
        Directory.CreateDirectory(Path.Combine(_sh.Work, "vol"));
        var db = Path.Combine(_sh.Work, "vol", "notes-database.sqlite3");
        var (code, _, err) = await _sh.RunAsync(HostScripts.DbBranchCreate, "sqlite", Dir, "missing", db, "-");
        Assert.Equal(4, code);
        Assert.Contains("no sqlite database", err);

        await Sqlite(db, "CREATE TABLE t (x); INSERT INTO t VALUES ('NVOI_DUMP_EOF'), (x'00ff');");
        var create = await _sh.RunAsync(HostScripts.DbBranchCreate, "sqlite", Dir, "b1", db, "-");
        Assert.Equal(0, create.Code);
        var branch = Path.Combine(Dir, "b1.sql");
        Assert.Contains($"sha256: {Sha(await File.ReadAllBytesAsync(branch))}", create.Stdout);
        // Plain SQL text, as 0.2.0's `sqlite3 DB .dump` wrote it (the blob as a hex literal).
        var text = await File.ReadAllTextAsync(branch);
        Assert.Contains("CREATE TABLE t (x);", text);
        Assert.Contains("X'00ff'", text, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(Dir, "b1.sqlite3")));

        var copy = Path.Combine(_sh.Work, "vol", "copy.sqlite3");
        var restore = await _sh.RunAsync(HostScripts.DbBranchRestore, "sqlite", branch, Sha(await File.ReadAllBytesAsync(branch)), copy, db);
        Assert.Equal((0, $"restored: {copy}\n", ""), restore);
        Assert.Equal("NVOI_DUMP_EOF|00FF", await Sqlite(copy, "SELECT group_concat(CASE WHEN typeof(x)='blob' THEN hex(x) ELSE x END, '|') FROM t;"));

        var old = Path.Combine(Dir, "old.sql");
        await File.WriteAllTextAsync(old, "CREATE TABLE t (x);\nINSERT INTO t VALUES ('from 0.2.0');\n");
        var fromOld = Path.Combine(_sh.Work, "vol", "old.sqlite3");
        Assert.Equal(0, (await _sh.RunAsync(HostScripts.DbBranchRestore, "sqlite", old, "-", fromOld, db)).Code);
        Assert.Equal("from 0.2.0", await Sqlite(fromOld, "SELECT x FROM t;"));
        Assert.Equal(6, (await _sh.RunAsync(HostScripts.DbBranchRestore, "sqlite", old, "-", fromOld, db)).Code);

        // A branch of our versions before 0.3: a sqlite backup file, ID.sqlite3, copied as it is.
        var backup = Path.Combine(Dir, "b0.sqlite3");
        await Sqlite(backup, "CREATE TABLE t (x); INSERT INTO t VALUES ('from a backup');");
        var fromBackup = Path.Combine(_sh.Work, "vol", "b0copy.sqlite3");
        Assert.Equal(0, (await _sh.RunAsync(HostScripts.DbBranchRestore, "sqlite", backup, Sha(await File.ReadAllBytesAsync(backup)), fromBackup, db)).Code);
        Assert.Equal(await File.ReadAllBytesAsync(backup), await File.ReadAllBytesAsync(fromBackup));
    }

    private static async Task<string> Sqlite(string db, string sql)
    {
        Assert.True(File.Exists("/usr/bin/sqlite3"), "sqlite3 is missing (scripts/prereqs/apt.txt)");
        var (code, output) = await SshdServer.RunTool("sqlite3", db, sql);
        Assert.True(code == 0, output);
        return output.Trim();
    }
}
