using System.CommandLine;
using Nvoi.Cli.Hosting;
using Nvoi.Cli.Rendering;
using Nvoi.Operations.Deploy;
using Nvoi.Operations.Rollback;

namespace Nvoi.Cli.Commands;

internal sealed class DeployCommand : Command
{
    public static readonly Option<string?> DockerfilePath = new("--dockerfile-path")
    {
        Description = "Dockerfile to build (default: ./Dockerfile in the working directory).",
        HelpName = "path",
    };
    public static readonly Option<bool> RollbackOnFailure = new("--rollback-on-failure")
    {
        Description = "When the public URL check fails after the rollout, roll back to the previously deployed image (the deploy still fails).",
    };
    private static readonly Option<bool> SandboxOption = SharedOptions.Sandbox();
    private static readonly Option<bool> YesOption = SharedOptions.Yes();

    public DeployCommand(CliHost host) : base("deploy",
        "Provision servers, build and push the image, and roll out the app. Shows the plan first; safe to run again after any failure.")
    {
        Options.Add(DockerfilePath);
        Options.Add(RollbackOnFailure);
        Options.Add(SandboxOption);
        Options.Add(YesOption);
        Options.Add(SharedOptions.ConfigDir());
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(SandboxOption));
            var renderer = ctx.Output.CreateProgress(host.Time);
            var options = session.Options(ctx.Parse.GetValue(DockerfilePath));
            var deployer = new Deployer(session.Config, session.World, renderer, options);
            var plan = await renderer.RunAsync(_ => deployer.ValidateAndPlanAsync(ct));
            // Asked outside the live view, which holds the terminal while it runs.
            if (plan.HasDestructive && !Confirm.Destructive(ctx, plan, ctx.Parse.GetValue(YesOption)))
            {
                ctx.Output.Info("nothing was changed");
                return ExitCodes.Cancelled;
            }
            if (ctx.Parse.GetValue(RollbackOnFailure) || session.Config.Application.RollbackOnFailure == true)
                await renderer.RunAsync(_ => AutoRollback.DeployAsync(session.Config, session.World, renderer, options, deployer, ct));
            else
                await renderer.RunAsync(_ => deployer.DeployAsync(ct));
            return ExitCodes.Success;
        });
    }
}

internal sealed class PlanCommand : Command
{
    private static readonly Option<bool> SandboxOption = SharedOptions.Sandbox();

    public PlanCommand(CliHost host) : base("plan",
        "Show what deploy would create, update or delete, with reasons, and change nothing. --json prints {\"actions\": [...]}.")
    {
        Options.Add(SandboxOption);
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(SandboxOption));
            var deployer = new Deployer(session.Config, session.World, Nvoi.Operations.Progress.NullProgressSink.Instance, session.Options());
            var plan = await deployer.PlanAsync(ct);
            PlanPrinter.Print(ctx.Output, plan);
            return ExitCodes.Success;
        });
    }
}
