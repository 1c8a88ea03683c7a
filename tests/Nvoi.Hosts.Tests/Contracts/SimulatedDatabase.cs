using System.Text;
using Nvoi.Databases;
using Nvoi.Remote;
using Nvoi.Sandbox.Hosts;

namespace Nvoi.Hosts.Tests.Contracts;

/// <summary>The simulated host's database of one adapter: contents are blobs, compared by SHA-256.</summary>
public sealed class SimulatedDatabase(SimulatedContractHost server, DatabaseAdapter adapter) : IContractDatabase
{
    private SimulatedHost Sim => (SimulatedHost)server.Host;

    public DatabaseTarget Target { get; } = Targets.For(adapter);

    public IRemoteHost Host => server.Host;

    public async Task SeedAsync()
    {
        if (Target.Adapter != DatabaseAdapter.Sqlite)
        {
            await Sim.SetDatabaseAsync(Target.Pod, Target.Database, new MemoryStream(Encoding.UTF8.GetBytes("INSERT INTO items VALUES (1, 'ada'), (2, 'grace');\n")));
            return;
        }
        await Sim.RunAsync(["sudo", "mkdir", "-p", Path.GetDirectoryName(Target.SqliteHostPath)!]);
        await Sim.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("SQLite format 3\0 rows 1 ada, 2 grace")), Target.SqliteHostPath!);
    }

    public Task<string?> ContentAsync(string name) => Target.Adapter == DatabaseAdapter.Sqlite
        ? Sim.FileSha256Async(name == Target.Database ? Target.SqliteHostPath! : Target.SqliteRestorePath(name))
        : Sim.DatabaseSha256Async(Target.Pod, name);
}

/// <summary>The database targets of the contracts, as <see cref="DatabaseTarget.From"/> makes them for app "app".</summary>
public static class Targets
{
    public static DatabaseTarget For(DatabaseAdapter adapter)
    {
        var target = new DatabaseTarget
        {
            Adapter = adapter,
            AdapterName = adapter.ToString().ToLowerInvariant(),
            Server = "app-master-1",
            ServerIsMaster = true,
            BranchesDirectory = $"/mnt/db-branches/contract-{adapter.ToString().ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}",
            Pod = "app-db",
            Database = adapter == DatabaseAdapter.Sqlite ? "app-database" : "app",
        };
        return adapter != DatabaseAdapter.Sqlite ? target : target with
        {
            SqliteHostPath = $"/opt/nvoi/volumes/{Guid.NewGuid().ToString("N")[..8]}/app-database.sqlite3",
            SqliteContainerDirectory = "/data",
        };
    }
}
