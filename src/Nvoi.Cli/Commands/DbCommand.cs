using System.CommandLine;
using System.Globalization;
using Nvoi.Cli.Hosting;
using Nvoi.Cli.Rendering;
using Nvoi.Databases;

namespace Nvoi.Cli.Commands;

/// <summary><c>nvoi db branch create|list|restore|download</c>: database snapshots kept on the database server.</summary>
internal sealed class DbCommand : Command
{
    private static readonly Argument<string?> CreateName = new("name") { Description = "Branch id (default: the UTC time YYYYMMDDHHMMSS).", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Argument<string> RestoreId = new("id") { Description = "Branch id (see `nvoi db branch list`)." };
    private static readonly Argument<string?> RestoreNewDb = new("new-db") { Description = "Name of the new database (default: <db>_<id>).", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Argument<string> DownloadId = new("id") { Description = "Branch id." };
    private static readonly Option<string?> DownloadPath = new("--path", "-p") { Description = "Output file (default: ID.sql or ID.sqlite3).", HelpName = "path" };

    public DbCommand(CliHost host) : base("db", "Database operations.")
    {
        var branch = new Command("branch", "Database branches: snapshots stored on the database server under /mnt/db-branches/APP/.");

        var create = new Command("create", "Dump the database into a new branch (default id: the current UTC timestamp).");
        create.Arguments.Add(CreateName);
        Bind(create, host, async (ctx, branches, _, ct) =>
        {
            var b = await branches.CreateAsync(ctx.Parse.GetValue(CreateName), ct);
            if (ctx.Output.Mode == OutputMode.Json) ctx.Output.WriteJson(Json(b));
            else ctx.Output.Success($"branch {b.Id} created ({FormatSize(b.Size)}, sha256 {b.Sha256})");
        });

        var list = new Command("list", "List branches: id, created, size, adapter.");
        Bind(list, host, async (ctx, branches, _, ct) =>
        {
            var all = await branches.ListAsync(ct);
            if (ctx.Output.Mode == OutputMode.Json)
            {
                ctx.Output.WriteJson(new { Branches = all.Select(Json).ToList() });
                return;
            }
            if (all.Count == 0)
            {
                ctx.Output.Info("no branches");
                return;
            }
            ctx.Output.Line($"{"ID",-20} {"CREATED",-20} {"SIZE",-10} ADAPTER");
            foreach (var b in all)
                ctx.Output.Line($"{b.Id,-20} {FormatCreated(b.CreatedAt),-20} {FormatSize(b.Size),-10} {b.Adapter}");
        });

        var restore = new Command("restore", "Restore a branch into a new database, then print the command that points the app at it.");
        restore.Arguments.Add(RestoreId);
        restore.Arguments.Add(RestoreNewDb);
        Bind(restore, host, async (ctx, branches, _, ct) =>
        {
            var id = ctx.Parse.GetValue(RestoreId)!;
            var r = await branches.RestoreAsync(id, ctx.Parse.GetValue(RestoreNewDb), ct);
            if (!r.Verified) ctx.Output.Warning($"branch {id} has no recorded checksum (made by nvoi 0.2.0): restored unchecked");
            if (ctx.Output.Mode == OutputMode.Json)
            {
                ctx.Output.WriteJson(new { Branch = id, r.Database, r.Location, Command = r.SwitchCommand, r.Verified });
                return;
            }
            ctx.Output.Success($"branch {id} restored into {r.Location}");
            ctx.Output.Line("To point the app at it, run:");
            ctx.Output.Line("  " + r.SwitchCommand);
        });

        var download = new Command("download", "Copy a branch dump to this machine (checksum verified).");
        download.Arguments.Add(DownloadId);
        download.Options.Add(DownloadPath);
        Bind(download, host, async (ctx, branches, _, ct) =>
        {
            var id = ctx.Parse.GetValue(DownloadId)!;
            var path = Path.GetFullPath(ctx.Parse.GetValue(DownloadPath) ?? await branches.DefaultDownloadNameAsync(id, ct), ctx.Host.CurrentDirectory);
            var r = await branches.DownloadAsync(id, path, ct);
            if (!r.Verified) ctx.Output.Warning($"branch {id} has no recorded checksum (made by nvoi 0.2.0): downloaded unchecked");
            if (ctx.Output.Mode == OutputMode.Json) ctx.Output.WriteJson(new { Branch = id, r.Path, r.Size, r.Sha256, r.Verified });
            else ctx.Output.Success($"downloaded {id} to {r.Path} ({FormatSize(r.Size)}, sha256 {r.Sha256})");
        });

        foreach (var c in new[] { create, list, restore, download }) branch.Subcommands.Add(c);
        Subcommands.Add(branch);
    }

    /// <summary>Binds a subcommand: loads the config, finds the database server, opens a session on it.</summary>
    private static void Bind(Command command, CliHost host, Func<CommandContext, DbBranches, DatabaseTarget, CancellationToken, Task> body)
    {
        var sandbox = SharedOptions.Sandbox();
        command.Options.Add(sandbox);
        CommandRunner.Bind(command, host, async (ctx, ct) =>
        {
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(sandbox));
            var target = DatabaseTarget.From(session.Config);
            var server = await session.World.Cloud.FindServerAsync(target.Server, ct)
                ?? throw new NvoiException($"the database server {target.Server} does not exist; run `nvoi deploy` first");
            await body(ctx, new DbBranches(target, session.World.Host(server), host.Time), target, ct);
            return ExitCodes.Success;
        });
    }

    private static object Json(Branch b) => new { b.Id, b.CreatedAt, b.Size, b.Adapter, b.Database, b.Sha256 };

    private static string FormatCreated(string? created) =>
        created is { Length: >= 19 } ? created[..19].Replace('T', ' ') : created ?? "";

    /// <summary>0.2.0's format: one decimal and B/KB/MB/GB (1024-based).</summary>
    internal static string FormatSize(long? bytes)
    {
        if (bytes is null) return "0 B";
        string[] units = ["B", "KB", "MB", "GB"];
        double size = bytes.Value;
        var unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }
        return string.Format(CultureInfo.InvariantCulture, "{0:0.0} {1}", size, units[unit]);
    }
}
