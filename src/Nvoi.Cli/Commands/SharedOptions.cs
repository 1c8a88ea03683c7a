using System.CommandLine;

namespace Nvoi.Cli.Commands;

/// <summary>Options several commands share (each command adds the ones it takes).</summary>
internal static class SharedOptions
{
    public static Option<bool> Sandbox() => new("--sandbox")
    {
        Description = "Run against the local emulators and simulated servers (state in .nvoi/sandbox/): no cloud account, nothing billed.",
    };

    public static Option<bool> Yes() => new("--yes", "-y")
    {
        Description = "Answer yes to confirmations (needed when stdin is not a terminal).",
    };

    /// <summary>Accepted for compatibility with nvoi 0.2.0 and ignored: the SSH key lives in deploy.enc.</summary>
    public static Option<string?> ConfigDir() => new("--config-dir")
    {
        Description = "Ignored (nvoi 0.2.0 compatibility): the SSH key is read from deploy.enc.",
        HelpName = "dir",
        Hidden = true,
    };
}
