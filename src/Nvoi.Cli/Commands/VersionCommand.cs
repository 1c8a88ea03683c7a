using System.CommandLine;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli.Commands;

internal sealed class VersionCommand : Command
{
    public VersionCommand(CliHost host) : base("version", "Print the nvoi version.")
    {
        SetAction(_ =>
        {
            host.Out.WriteLine($"nvoi {NvoiApp.Version}");
            return ExitCodes.Success;
        });
    }
}
