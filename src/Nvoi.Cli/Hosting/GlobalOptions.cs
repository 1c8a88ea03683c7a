using System.CommandLine;

namespace Nvoi.Cli.Hosting;

/// <summary>Options every command accepts (they may be given before or after the command name).</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Config = new("--config", "-c", "--credentials")
    {
        Description = "The encrypted config (default: deploy.enc, then config/deploy.enc), or a plaintext .yml/.yaml whose $VAR values come from the environment.",
        HelpName = "path",
        Recursive = true,
    };

    public static readonly Option<string> Dir = new("--dir", "-d")
    {
        Description = "Working directory: where the Dockerfile, deploy.enc and deploy.key are looked up.",
        HelpName = "dir",
        DefaultValueFactory = _ => ".",
        Recursive = true,
    };

    public static readonly Option<string?> Branch = new("--branch", "-b")
    {
        Description = "Deploy beside the main deployment: the app name becomes NAME-BRANCH and every subdomain BRANCH-SUB.",
        HelpName = "branch",
        Recursive = true,
    };

    public static readonly Option<string?> MasterKey = new("--master-key")
    {
        Description = "Key file of deploy.enc (default: $NVOI_MASTER_KEY, then deploy.key beside the config, in the working dir, in config/).",
        HelpName = "path",
        Recursive = true,
    };

    public static readonly Option<bool> Plain = new("--plain")
    {
        Description = "Plain progress lines instead of the live view.",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Machine-readable output: JSON (NDJSON events for long commands).",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "More detail, and the stack trace of unexpected errors.",
        Recursive = true,
    };

    public static readonly Option<bool> NoColor = new("--no-color")
    {
        Description = "No colors (also when NO_COLOR is set).",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [Config, Dir, Branch, MasterKey, Plain, Json, Verbose, NoColor];
}
