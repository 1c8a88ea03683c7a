using System.CommandLine;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli.Commands;

/// <summary><c>nvoi db branch create|list|restore|download</c>: database snapshots kept on the database server.</summary>
internal sealed class DbCommand : Command
{
    public DbCommand(CliHost host) : base("db", "Database operations.")
    {
        var branch = new Command("branch", "Database branches: snapshots stored on the database server under /mnt/db-branches/APP/.");

        var create = new Command("create", "Dump the database into a new branch (default id: the current timestamp).");
        create.Arguments.Add(new Argument<string?>("name") { Description = "Branch id.", Arity = ArgumentArity.ZeroOrOne });

        var list = new Command("list", "List branches: id, created, size, adapter.");

        var restore = new Command("restore", "Restore a branch into a new database, then print the command that points the app at it.");
        restore.Arguments.Add(new Argument<string>("id") { Description = "Branch id (see `nvoi db branch list`)." });
        restore.Arguments.Add(new Argument<string?>("new-db") { Description = "Name of the new database (default: <db>_<id>).", Arity = ArgumentArity.ZeroOrOne });

        var download = new Command("download", "Copy a branch dump to this machine (checksum verified).");
        download.Arguments.Add(new Argument<string>("id") { Description = "Branch id." });
        download.Options.Add(new Option<string?>("--path", "-p") { Description = "Output file (default: ID.sql or ID.sqlite3).", HelpName = "path" });

        foreach (var c in new[] { create, list, restore, download })
        {
            c.Options.Add(SharedOptions.Sandbox());
            CommandRunner.BindNotAvailable(c, host, "database branches arrive with the day-two commands.");
            branch.Subcommands.Add(c);
        }
        Subcommands.Add(branch);
    }
}
