using Nvoi.Databases;
using Nvoi.Hosts.Tests.Contracts;
using Nvoi.Remote;

namespace Nvoi.Hosts.Tests.Real;

/// <summary>
/// A real postgres, mariadb or sqlite database on a test host. The postgres and mariadb "pods" are the servers
/// installed on the host, reached through the k3s stand-in (Real/Shims/k3s), which runs the scripts' commands
/// as the pod would: pg_dump/psql as user postgres, mysqldump/mysql as root with MYSQL_ROOT_PASSWORD set.
/// Contents are compared as the rows a query returns.
/// </summary>
internal sealed class RealDatabase : IContractDatabase
{
    private const string Rows = "SELECT id, name FROM items ORDER BY id";
    private readonly RealHost _real;

    private RealDatabase(RealHost real, DatabaseTarget target)
    {
        _real = real;
        Target = target;
    }

    public DatabaseTarget Target { get; }

    public IRemoteHost Host => _real.Host;

    public static async Task<RealDatabase> CreateAsync(RealHost real, DatabaseAdapter adapter)
    {
        await real.InstallK3sStandInAsync();
        var target = Targets.For(adapter);
        if (adapter != DatabaseAdapter.Sqlite) target = target with { Database = "app_" + Guid.NewGuid().ToString("N")[..8] };
        await RemoteWaits.PollAsync(real.Name, "the databases to start", TimeProvider.System, TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(250), async _ => (await real.ExecAsync("systemctl", "is-active", "--quiet", "postgresql@15-main", "mariadb")).Code == 0);
        return new RealDatabase(real, target);
    }

    public async Task SeedAsync()
    {
        const string create = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);";
        const string named = "INSERT INTO items VALUES (1, 'Ada'), (2, 'O''Brien'), (3, 'Grace ☃');";
        switch (Target.Adapter)
        {
            case DatabaseAdapter.Postgres:
                await PodEnvAsync("postgres", "POSTGRES_USER=postgres");
                await Root(_real, $"runuser -u postgres -- createdb {Target.Database}");
                await Root(_real, $"runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q -d {Target.Database} -c \"{create} {named} " +
                    "INSERT INTO items SELECT n, md5(n::text) FROM generate_series(4, 2000) n;\"");
                break;
            case DatabaseAdapter.Mysql:
                await PodEnvAsync("root", "MYSQL_ROOT_PASSWORD=not-used-over-the-socket");
                await Root(_real, $"mysql -e \"CREATE DATABASE {Target.Database}; USE {Target.Database}; {create} {named} " +
                    "INSERT INTO items WITH RECURSIVE s(n) AS (SELECT 4 UNION ALL SELECT n + 1 FROM s WHERE n < 900) SELECT n, md5(n) FROM s;\"");
                break;
            default:
                var path = Target.SqliteHostPath!;
                await Root(_real, $"mkdir -p {Path.GetDirectoryName(path)} && sqlite3 {path} \"{create} {named} " +
                    "WITH RECURSIVE s(n) AS (SELECT 4 UNION ALL SELECT n + 1 FROM s WHERE n < 2000) INSERT INTO items SELECT n, hex(randomblob(16)) FROM s;\" && chmod 640 " + path);
                break;
        }
    }

    public async Task<string?> ContentAsync(string name)
    {
        var (code, stdout, _) = Target.Adapter switch
        {
            DatabaseAdapter.Postgres => await _real.ExecAsync("runuser", "-u", "postgres", "--", "psql", "-v", "ON_ERROR_STOP=1", "-tA", "-d", name, "-c", Rows),
            DatabaseAdapter.Mysql => await _real.ExecAsync("mysql", "-N", "-B", "-e", Rows, name),
            _ => await _real.ExecAsync("sh", "-c", "test -f \"$1\" && sqlite3 \"$1\" \"$2\"", "sh",
                name == Target.Database ? Target.SqliteHostPath! : Target.SqliteRestorePath(name), Rows),
        };
        return code == 0 ? stdout : null;
    }

    private Task PodEnvAsync(string user, string env) =>
        Root(_real, $"printf '# user: {user}\\n{env}\\n' >/etc/nvoi-test-pods/{Target.Pod}.env");

    private static async Task Root(RealHost real, string script)
    {
        var (code, stdout, stderr) = await real.ExecAsync("sh", "-c", script);
        if (code != 0) throw new InvalidOperationException($"on {real.Name}: {script}\nexit {code}: {stderr}{stdout}");
    }
}
