using Nvoi.Databases;

namespace Nvoi.Tests.Databases;

public class SqlIdentifierTests
{
    [Theory]
    [InlineData("shop", "\"shop\"")]
    [InlineData("we\"ird", "\"we\"\"ird\"")]
    [InlineData("\"", "\"\"\"\"")]
    [InlineData("with space", "\"with space\"")]
    [InlineData("ünïcødé_数据", "\"ünïcødé_数据\"")]
    [InlineData("a`b'c;DROP", "\"a`b'c;DROP\"")]
    public void Postgres_names_are_double_quoted_with_quotes_doubled(string name, string expected) =>
        Assert.Equal(expected, SqlIdentifier.Quote(DatabaseAdapter.Postgres, name));

    [Theory]
    [InlineData("shop", "`shop`")]
    [InlineData("we`ird", "`we``ird`")]
    [InlineData("``", "``````")]
    [InlineData("with space", "`with space`")]
    [InlineData("ünïcødé_数据", "`ünïcødé_数据`")]
    [InlineData("a\"b'c", "`a\"b'c`")]
    public void Mysql_names_are_backquoted_with_backquotes_doubled(string name, string expected) =>
        Assert.Equal(expected, SqlIdentifier.Quote(DatabaseAdapter.Mysql, name));

    [Theory]
    [InlineData("")]
    [InlineData(" lead")]
    [InlineData("trail ")]
    [InlineData("new\nline")]
    [InlineData("nul\0byte")]
    [InlineData("-option")]
    [InlineData("tab\there")]
    public void Invalid_names_are_refused_for_every_adapter(string name)
    {
        foreach (var adapter in Enum.GetValues<DatabaseAdapter>())
        {
            var e = Assert.Throws<InvalidInputException>(() => SqlIdentifier.Quote(adapter, name));
            Assert.StartsWith("invalid database name", e.Message);
            Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
            Assert.DoesNotContain('\n', e.Message);
            Assert.DoesNotContain('\0', e.Message);
        }
    }

    [Fact]
    public void Length_limits_follow_each_engine()
    {
        Assert.Null(SqlIdentifier.Problem(DatabaseAdapter.Postgres, new string('a', 63)));
        Assert.NotNull(SqlIdentifier.Problem(DatabaseAdapter.Postgres, new string('a', 64)));
        // 32 two-byte characters are 64 bytes: postgres would cut the name silently.
        Assert.NotNull(SqlIdentifier.Problem(DatabaseAdapter.Postgres, new string('é', 32)));
        Assert.Null(SqlIdentifier.Problem(DatabaseAdapter.Mysql, new string('é', 64)));
        Assert.NotNull(SqlIdentifier.Problem(DatabaseAdapter.Mysql, new string('a', 65)));
        Assert.NotNull(SqlIdentifier.Problem(DatabaseAdapter.Mysql, "emoji😀"));
        Assert.Null(SqlIdentifier.Problem(DatabaseAdapter.Postgres, "emoji😀"));
    }

    [Fact]
    public void Broken_unicode_and_sqlite_paths_are_refused()
    {
        Assert.NotNull(SqlIdentifier.Problem(DatabaseAdapter.Postgres, "half\ud800"));
        Assert.NotNull(SqlIdentifier.Problem(DatabaseAdapter.Sqlite, "../escape"));
        Assert.NotNull(SqlIdentifier.Problem(DatabaseAdapter.Sqlite, ".."));
        Assert.Null(SqlIdentifier.Problem(DatabaseAdapter.Sqlite, "notes copy"));
        Assert.Equal("notes copy", SqlIdentifier.Quote(DatabaseAdapter.Sqlite, "notes copy"));
    }

    [Fact]
    public void Shown_names_escape_control_characters() =>
        Assert.Equal("\"a\\u000ab\"", SqlIdentifier.Show("a\nb"));
}
