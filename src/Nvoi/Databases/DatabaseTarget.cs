using Nvoi.Configuration;
using Nvoi.Remote;

namespace Nvoi.Databases;

/// <summary>
/// Where a configured database lives and how its branches are named (reference §3): the database
/// server is the first server of <c>database.servers[0]</c>'s group; postgres/mysql run in pod
/// <c>db-A-0</c>; sqlite is <c>A-database.sqlite3</c> on that server's volume of <c>database.mount</c>.
/// </summary>
public sealed record DatabaseTarget
{
    /// <summary>The engine.</summary>
    public required DatabaseAdapter Adapter { get; init; }
    /// <summary>The adapter as written in the config (recorded in branches.json).</summary>
    public required string AdapterName { get; init; }
    /// <summary>The database server (<c>A-G-1</c>).</summary>
    public required string Server { get; init; }
    /// <summary>True when the database server is the k3s master (kubectl runs there).</summary>
    public required bool ServerIsMaster { get; init; }
    /// <summary><c>/mnt/db-branches/A</c>.</summary>
    public required string BranchesDirectory { get; init; }
    /// <summary>The database pod (postgres, mysql).</summary>
    public required string Pod { get; init; }
    /// <summary>The database dumped: POSTGRES_DB / MYSQL_DATABASE, or the sqlite file name stem.</summary>
    public required string Database { get; init; }
    /// <summary>The sqlite file on the host (sqlite only).</summary>
    public string? SqliteHostPath { get; init; }
    /// <summary>The directory of the sqlite file as the app's containers see it (sqlite only).</summary>
    public string? SqliteContainerDirectory { get; init; }

    /// <summary><c>sql</c> for every adapter, as nvoi 0.2.0: a plain SQL dump (sqlite: <c>sqlite3 .dump</c>).</summary>
    public string Extension => "sql";

    /// <summary>The branch file nvoi writes for <paramref name="id"/>: <c>ID.sql</c>.</summary>
    public string BranchFile(string id) => $"{BranchesDirectory}/{id}.{Extension}";

    /// <summary>
    /// The files a branch <paramref name="id"/> may be in, in the order looked for: <c>ID.sql</c>, then for sqlite
    /// <c>ID.sqlite3</c> (a sqlite backup file, as our versions before 0.3 wrote).
    /// </summary>
    public IReadOnlyList<string> BranchFileCandidates(string id) => Adapter == DatabaseAdapter.Sqlite
        ? [BranchFile(id), $"{BranchesDirectory}/{id}.sqlite3"]
        : [BranchFile(id)];

    /// <summary>branches.json.</summary>
    public string MetadataFile => $"{BranchesDirectory}/{BranchMetadata.FileName}";

    /// <summary>The default restore target: <c>&lt;db&gt;_&lt;id&gt;</c> ('-' in the id becomes '_', as 0.2.0).</summary>
    public string DefaultRestoreName(string id) => $"{Database}_{id.Replace('-', '_')}";

    /// <summary>The host path of a restored sqlite database <paramref name="name"/>.</summary>
    public string SqliteRestorePath(string name) => $"{Path.GetDirectoryName(SqliteHostPath)!.Replace('\\', '/')}/{name}.sqlite3";

    /// <summary>The command that points the app at the restored database <paramref name="name"/>.</summary>
    public string SwitchCommand(string name) => Adapter switch
    {
        DatabaseAdapter.Postgres => "nvoi credentials set database.secrets.POSTGRES_DB " + ShellQuote.Quote(name),
        DatabaseAdapter.Mysql => "nvoi credentials set database.secrets.MYSQL_DATABASE " + ShellQuote.Quote(name),
        // database.secrets come after the derived sqlite DATABASE_URL in the app's environment, so this one wins.
        _ => "nvoi credentials set database.secrets.DATABASE_URL " + ShellQuote.Quote($"sqlite://{SqliteContainerDirectory}/{name}.sqlite3"),
    };

    /// <summary>The target of <paramref name="config"/> (after any --branch override).</summary>
    public static DatabaseTarget From(DeployConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var app = config.Application;
        var db = app.Database ?? throw new NvoiException("no database is configured (application.database)");
        var adapter = ConfigRules.Adapter(db) switch
        {
            "postgres" or "postgresql" => DatabaseAdapter.Postgres,
            "mysql" => DatabaseAdapter.Mysql,
            "sqlite" or "sqlite3" => DatabaseAdapter.Sqlite,
            var other => throw new NvoiException($"database branches do not support the adapter {other ?? "(none)"}"),
        };
        if (adapter != DatabaseAdapter.Sqlite && !string.IsNullOrWhiteSpace(db.Url))
            throw new NvoiException("the database is external (application.database.url): branches work on the database nvoi runs");
        if (db.Servers.Count == 0 || !app.Servers.TryGetValue(db.Servers[0], out var group))
            throw new NvoiException("application.database.servers must name a server group");
        var names = new Names(app.Name!);
        var isMaster = group.Master || app.Servers.Count == 1;
        var target = new DatabaseTarget
        {
            Adapter = adapter,
            AdapterName = db.Adapter!.Trim(),
            Server = names.Server(db.Servers[0], 1),
            ServerIsMaster = isMaster,
            BranchesDirectory = names.DbBranchesDir,
            Pod = names.DatabasePod,
            Database = adapter switch
            {
                DatabaseAdapter.Postgres => Secret(db, "POSTGRES_DB"),
                DatabaseAdapter.Mysql => Secret(db, "MYSQL_DATABASE"),
                _ => $"{app.Name}-database",
            },
        };
        if (adapter != DatabaseAdapter.Sqlite) return target;
        if (db.Mount.Count == 0)
            throw new NvoiException("sqlite needs application.database.mount (the volume holding the database file)");
        var (volume, containerPath) = db.Mount.First();
        return target with
        {
            SqliteHostPath = $"{names.ServerVolumeHostPath(db.Servers[0], volume)}/{app.Name}-database.sqlite3",
            SqliteContainerDirectory = containerPath.TrimEnd('/'),
        };
    }

    private static string Secret(Database db, string key) =>
        db.Secrets.GetValueOrDefault(key) is { Length: > 0 } v ? v : throw new NvoiException($"application.database.secrets.{key} is not set");
}
