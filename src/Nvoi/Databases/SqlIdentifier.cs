using System.Text;

namespace Nvoi.Databases;

/// <summary>The database engines whose branches nvoi keeps.</summary>
public enum DatabaseAdapter
{
    /// <summary>postgres / postgresql, in pod db-A-0.</summary>
    Postgres,
    /// <summary>mysql, in pod db-A-0.</summary>
    Mysql,
    /// <summary>sqlite / sqlite3, a file on the database server's volume.</summary>
    Sqlite,
}

/// <summary>
/// Database names as SQL identifiers: checked, then quoted (postgres <c>"name"</c> with <c>""</c>
/// doubling, mysql <c>`name`</c> with <c>``</c> doubling), so any accepted name is safe in SQL.
/// </summary>
public static class SqlIdentifier
{
    /// <summary>Postgres keeps at most 63 bytes of an identifier (longer ones are cut silently).</summary>
    public const int PostgresMaxBytes = 63;
    /// <summary>MySQL database names have at most 64 characters.</summary>
    public const int MysqlMaxChars = 64;
    /// <summary>A sqlite database is a file NAME.sqlite3; its name is kept well below file-name limits.</summary>
    public const int SqliteMaxBytes = 200;

    /// <summary><c>"name"</c>, every <c>"</c> doubled.</summary>
    public static string QuotePostgres(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary><c>`name`</c>, every <c>`</c> doubled.</summary>
    public static string QuoteMysql(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>The quoted identifier for <paramref name="adapter"/> (sqlite names are file names: returned as is).</summary>
    public static string Quote(DatabaseAdapter adapter, string name)
    {
        Validate(adapter, name);
        return adapter switch
        {
            DatabaseAdapter.Postgres => QuotePostgres(name),
            DatabaseAdapter.Mysql => QuoteMysql(name),
            _ => name,
        };
    }

    /// <summary>Null when <paramref name="name"/> is usable as a new database name, else why not.</summary>
    public static string? Problem(DatabaseAdapter adapter, string? name)
    {
        if (string.IsNullOrEmpty(name)) return "it is empty";
        if (name.Any(char.IsControl)) return "it contains a control character";
        if (name.Trim() != name) return "it starts or ends with a space";
        if (name[0] == '-') return "it starts with '-'";
        if (!IsWellFormed(name)) return "it is not valid Unicode";
        switch (adapter)
        {
            case DatabaseAdapter.Postgres when Encoding.UTF8.GetByteCount(name) > PostgresMaxBytes:
                return $"postgres keeps only {PostgresMaxBytes} bytes of a name";
            case DatabaseAdapter.Mysql when name.Length > MysqlMaxChars:
                return $"mysql allows at most {MysqlMaxChars} characters";
            case DatabaseAdapter.Mysql when name.Any(char.IsSurrogate):
                return "mysql names cannot hold characters outside the Basic Multilingual Plane";
            case DatabaseAdapter.Sqlite when name.Contains('/') || name is "." or "..":
                return "a sqlite name is a file name (no '/')";
            case DatabaseAdapter.Sqlite when Encoding.UTF8.GetByteCount(name) > SqliteMaxBytes:
                return $"a sqlite name has at most {SqliteMaxBytes} bytes";
        }
        return null;
    }

    /// <summary>Throws <see cref="NvoiException"/> naming the problem unless the name is usable.</summary>
    public static void Validate(DatabaseAdapter adapter, string? name)
    {
        if (Problem(adapter, name) is { } problem)
            throw new InvalidInputException($"invalid database name {Show(name)}: {problem}");
    }

    private static bool IsWellFormed(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsHighSurrogate(name[i]) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1])) i++;
            else if (char.IsSurrogate(name[i])) return false;
        }
        return true;
    }

    /// <summary>A name in a message: quoted, control characters escaped.</summary>
    public static string Show(string? name)
    {
        if (name is null) return "(none)";
        var sb = new StringBuilder("\"");
        foreach (var c in name)
            sb.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.Append('"').ToString();
    }
}
