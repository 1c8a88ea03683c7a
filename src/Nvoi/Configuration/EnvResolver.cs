namespace Nvoi.Configuration;

/// <summary>
/// The environment of an app service's containers (reference §4). All of it goes into the Secret
/// <c>app-secret-A</c>. Later entries win:
/// DEPLOY_ENV, DATABASE_ADAPTER, DATABASE_URL, database.secrets, env, secrets, then for a managed
/// postgres/mysql the connection variables (unless the service's own env sets them), then the service's env.
/// </summary>
public static class EnvResolver
{
    public const string PostgresPort = "5432";
    public const string MysqlPort = "3306";

    /// <summary>The ordered environment of app service <paramref name="service"/>; pass the config after any branch override.</summary>
    public static IReadOnlyDictionary<string, string> ForApp(DeployConfig config, string service)
    {
        var app = config.Application;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DEPLOY_ENV"] = app.Environment ?? "",
        };
        var db = app.Database;
        if (db is not null)
        {
            if (!string.IsNullOrWhiteSpace(db.Adapter)) env["DATABASE_ADAPTER"] = db.Adapter;
            if (ConfigRules.IsSqlite(db)) env["DATABASE_URL"] = SqliteUrl(app);
            else if (!string.IsNullOrWhiteSpace(db.Url)) env["DATABASE_URL"] = db.Url;
            foreach (var (k, v) in db.Secrets) env[k] = v;
        }
        foreach (var (k, v) in app.Env) env[k] = v;
        foreach (var (k, v) in app.Secrets) env[k] = v;
        foreach (var (k, v) in ManagedDatabaseEnv(config)) env[k] = v;
        if (app.App.TryGetValue(service, out var svc))
            foreach (var (k, v) in svc.Env) env[k] = v;
        return env;
    }

    /// <summary>
    /// For a managed postgres/mysql (no <c>database.url</c>): DATABASE_URL and the *_HOST/PORT/USER/PASSWORD/DB
    /// variables pointing at the in-cluster service <c>db-A</c>. Empty otherwise.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ManagedDatabaseEnv(DeployConfig config)
    {
        var app = config.Application;
        var db = app.Database;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (db is null || !string.IsNullOrWhiteSpace(db.Url) || string.IsNullOrEmpty(app.Name)) return result;
        var host = new Names(app.Name).Database;
        var s = db.Secrets;
        if (ConfigRules.IsPostgres(db))
        {
            string user = s.GetValueOrDefault("POSTGRES_USER", ""), pass = s.GetValueOrDefault("POSTGRES_PASSWORD", ""),
                name = s.GetValueOrDefault("POSTGRES_DB", "");
            result["DATABASE_URL"] = Url("postgresql", user, pass, host, PostgresPort, name);
            result["POSTGRES_HOST"] = host;
            result["POSTGRES_PORT"] = PostgresPort;
            result["POSTGRES_USER"] = user;
            result["POSTGRES_PASSWORD"] = pass;
            result["POSTGRES_DB"] = name;
        }
        else if (ConfigRules.IsMysql(db))
        {
            string user = s.GetValueOrDefault("MYSQL_USER", ""), pass = s.GetValueOrDefault("MYSQL_PASSWORD", ""),
                name = s.GetValueOrDefault("MYSQL_DATABASE", "");
            result["DATABASE_URL"] = Url("mysql", user, pass, host, MysqlPort, name);
            result["MYSQL_HOST"] = host;
            result["MYSQL_PORT"] = MysqlPort;
            result["MYSQL_USER"] = user;
            result["MYSQL_PASSWORD"] = pass;
            result["MYSQL_DATABASE"] = name;
        }
        return result;
    }

    /// <summary><c>sqlite://&lt;first mount path&gt;/A-database.sqlite3</c>.</summary>
    public static string SqliteUrl(Application app)
    {
        var mount = app.Database?.Mount;
        if (mount is null || mount.Count == 0)
            throw new ConfigException("application.database.mount", "sqlite3 requires database.mount to be configured");
        return $"sqlite://{mount.Values.First().TrimEnd('/')}/{app.Name}-database.sqlite3";
    }

    // User and password are percent-encoded (0.2.0 did not, so a password with '@' or '/' broke the URL).
    private static string Url(string scheme, string user, string password, string host, string port, string database) =>
        $"{scheme}://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@{host}:{port}/{database}";
}
