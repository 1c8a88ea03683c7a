using System.CommandLine;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli.Commands;

internal sealed class OnboardCommand : Command
{
    public OnboardCommand(CliHost host) : base("onboard",
        "Interactive setup wizard: provider, Cloudflare, apps, database, env and secrets; writes deploy.enc and deploy.key.")
    {
        Options.Add(SharedOptions.Sandbox());
        CommandRunner.BindNotAvailable(this, host, "the onboarding wizard arrives with the onboard issue; use `nvoi config init` and `nvoi config … set` meanwhile.");
    }
}
