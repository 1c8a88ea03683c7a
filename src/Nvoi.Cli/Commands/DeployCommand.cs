using System.CommandLine;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli.Commands;

internal sealed class DeployCommand : Command
{
    public static readonly Option<string?> DockerfilePath = new("--dockerfile-path")
    {
        Description = "Dockerfile to build (default: ./Dockerfile in the working directory).",
        HelpName = "path",
    };

    public DeployCommand(CliHost host) : base("deploy",
        "Provision servers, build and push the image, and roll out the app. Shows the plan first; safe to run again after any failure.")
    {
        Options.Add(DockerfilePath);
        Options.Add(SharedOptions.Sandbox());
        Options.Add(SharedOptions.Yes());
        Options.Add(SharedOptions.ConfigDir());
        CommandRunner.BindNotAvailable(this, host, "the deploy engine arrives with the deploy issue.");
    }
}

internal sealed class PlanCommand : Command
{
    public PlanCommand(CliHost host) : base("plan",
        "Show what deploy would create, update or delete, with reasons, and change nothing. --json prints {\"actions\": [...]}.")
    {
        Options.Add(SharedOptions.Sandbox());
        CommandRunner.BindNotAvailable(this, host, "the plan engine arrives with the deploy issue.");
    }
}

internal sealed class DeleteCommand : Command
{
    public static readonly Option<bool> DeleteVolumes = new("--delete-volumes")
    {
        Description = "Also delete the server volumes (your data). Without it they are kept.",
    };

    public DeleteCommand(CliHost host) : base("delete",
        "Tear the deployment down: servers, firewall, network, tunnels and DNS records. Asks you to type the app name unless --yes.")
    {
        Options.Add(DeleteVolumes);
        Options.Add(SharedOptions.Sandbox());
        Options.Add(SharedOptions.Yes());
        Options.Add(SharedOptions.ConfigDir());
        CommandRunner.BindNotAvailable(this, host, "delete arrives with the day-two commands.");
    }
}

internal sealed class UnlockCommand : Command
{
    public UnlockCommand(CliHost host) : base("unlock",
        "Remove the deploy lock on the master (after a deploy was killed), showing who held it and since when.")
    {
        Options.Add(SharedOptions.Sandbox());
        CommandRunner.BindNotAvailable(this, host, "unlock arrives with the day-two commands.");
    }
}
