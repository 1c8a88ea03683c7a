using System.Security.Cryptography;
using System.Text.Json;
using Nvoi.Cli.Tests.Deploy;
using Nvoi.Remote;
using Nvoi.Sandbox.Hosts;

namespace Nvoi.Cli.Tests.Db;

/// <summary>A deployed sandbox example plus direct access to its simulated database server.</summary>
public sealed class DbProject : IDisposable
{
    public SandboxProject Project { get; }
    public string App { get; }
    public string Adapter { get; }
    public string Database { get; }
    public string Server => $"{App}-master-1";
    public string Pod => $"db-{App}-0";
    public string BranchesDir => $"/mnt/db-branches/{App}";
    public SimulatedHost Host { get; }

    private DbProject(string example, string app, string adapter, string database)
    {
        Project = new SandboxProject(example);
        (App, Adapter, Database) = (app, adapter, database);
        Host = new SimulatedHost(Server, Path.Combine(Project.Run.Dir, ".nvoi", "sandbox", "hosts"), () => [],
            (_, _) => throw new NotSupportedException("no forwards in db tests"));
    }

    public static IEnumerable<object[]> Examples() =>
    [
        ["hetzner-postgres"],
        ["aws"],
        ["sqlite"],
    ];

    public static async Task<DbProject> DeployAsync(string example)
    {
        var project = example switch
        {
            "hetzner-postgres" => new DbProject(example, "shop", "postgres", "shop_production"),
            "aws" => new DbProject(example, "api", "mysql", "api_production"),
            "sqlite" => new DbProject(example, "notes", "sqlite", "notes-database"),
            _ => throw new ArgumentException(example),
        };
        var deploy = await project.Project.DeployAsync("--plain");
        Assert.True(deploy.ExitCode == 0, deploy.All);
        return project;
    }

    public bool IsSqlite => Adapter == "sqlite";
    public string Extension => "sql";
    public string SqlitePath => $"/opt/nvoi/volumes/{App}-master-data/{App}-database.sqlite3";

    /// <summary>Sets the live database's content; returns its SHA-256.</summary>
    public async Task<string> SeedAsync(long length)
    {
        using var content = new DumpContent(length);
        if (IsSqlite) await Host.UploadAsync(content, SqlitePath);
        else await Host.SetDatabaseAsync(Pod, Database, content);
        return content.Sha256();
    }

    /// <summary>The SHA-256 of a database made by a restore (null when it does not exist).</summary>
    public Task<string?> RestoredSha256Async(string name) =>
        IsSqlite ? Host.FileSha256Async($"/opt/nvoi/volumes/{App}-master-data/{name}.sqlite3") : Host.DatabaseSha256Async(Pod, name);

    public Task<CliResult> NvoiAsync(params string[] args) => Project.NvoiAsync(args);

    public async Task<JsonElement> ListJsonAsync()
    {
        var r = await NvoiAsync("db", "branch", "list", "--json");
        Assert.True(r.ExitCode == 0, r.All);
        using var doc = JsonDocument.Parse(r.Out);
        return doc.RootElement.GetProperty("branches").Clone();
    }

    public static string FileSha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    public async Task WriteRemoteAsync(string path, byte[] content)
    {
        await Host.UpdateStateAsync(s => s.Directories.Add(BranchesDir));
        await Host.UploadAsync(new MemoryStream(content), path);
    }

    public void Dispose() => Project.Dispose();
}
