using System.CommandLine;
using Nvoi.Cli.Hosting;
using Nvoi.Cli.Rendering;
using Nvoi.Operations;
using Nvoi.Operations.Delete;

namespace Nvoi.Cli.Commands;

internal sealed class DeleteCommand : Command
{
    public static readonly Option<bool> DeleteVolumes = new("--delete-volumes")
    {
        Description = "Also delete the server volumes (your data). Without it they are kept.",
    };
    private static readonly Option<bool> SandboxOption = SharedOptions.Sandbox();
    private static readonly Option<bool> YesOption = SharedOptions.Yes();

    public DeleteCommand(CliHost host) : base("delete",
        "Tear the deployment down: servers, firewall, network, tunnels and DNS records. Asks you to type the app name unless --yes.")
    {
        Options.Add(DeleteVolumes);
        Options.Add(SandboxOption);
        Options.Add(YesOption);
        Options.Add(SharedOptions.ConfigDir());
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(SandboxOption));
            var renderer = ctx.Output.CreateProgress(host.Time);
            var deleter = new Deleter(session.Config, session.World, renderer, new DeleteOptions { DeleteVolumes = ctx.Parse.GetValue(DeleteVolumes) });
            var plan = await renderer.RunAsync(_ => deleter.PlanAsync(ct));
            var app = deleter.Desired.Names.App;
            if (!plan.HasChanges)
            {
                ctx.Output.Success($"nothing to delete for {app}");
                return ExitCodes.Success;
            }
            // Asked outside the live view, which holds the terminal while it runs.
            var what = $"This deletes {Describe(plan)} of {app}";
            if (!Confirm.TypedName(ctx, app, what, ctx.Parse.GetValue(YesOption)))
            {
                ctx.Output.Info("the name did not match; nothing was deleted");
                return ExitCodes.Cancelled;
            }
            await renderer.RunAsync(_ => deleter.DeleteAsync(ct));
            var kept = plan.Actions.Where(a => a.Kind == "volume" && a.Action == PlanActionKind.None).Select(a => a.Name).ToList();
            ctx.Output.Success($"deleted {app}");
            if (kept.Count > 0) ctx.Output.Info($"kept volumes {string.Join(", ", kept)} (your data); `nvoi delete --delete-volumes` removes them");
            return ExitCodes.Success;
        });
    }

    private static string Describe(Plan plan)
    {
        var counts = plan.Actions.Where(a => a.IsDestructive).GroupBy(a => a.Kind)
            .Select(g => g.Count() == 1 ? $"1 {g.Key}" : $"{g.Count()} {g.Key}s");
        return string.Join(", ", counts);
    }
}

internal sealed class UnlockCommand : Command
{
    private static readonly Option<bool> SandboxOption = SharedOptions.Sandbox();

    public UnlockCommand(CliHost host) : base("unlock",
        "Remove the deploy lock on the master (after a deploy was killed), showing who held it and since when.")
    {
        Options.Add(SandboxOption);
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(SandboxOption));
            var result = await Unlock.RunAsync(session.Config, session.World, ct);
            if (ctx.Output.Mode == OutputMode.Json)
            {
                ctx.Output.WriteJson(new UnlockJson(result.Master, result.Removed is not null, result.Removed?.Holder,
                    result.Removed?.Since.ToString("O"), result.Removed?.Version, result.Removed is { NamesProcess: true } r ? r.Pid : null));
                return ExitCodes.Success;
            }
            if (!result.MasterExists)
                ctx.Output.Success($"no lock: server {result.Master} does not exist");
            else if (result.Removed is not { } held)
                ctx.Output.Success($"no lock on {result.Master}: nothing to remove");
            else
                ctx.Output.Success($"removed the deploy lock held by {held.Who} since {held.Since:u} " +
                    $"({FormatAge(host.Time.GetUtcNow() - held.Since)} ago{(held.Version.Length > 0 ? ", nvoi " + held.Version : "")})");
            return ExitCodes.Success;
        });
    }

    private static string FormatAge(TimeSpan t) =>
        t < TimeSpan.Zero ? "0s" : t.TotalMinutes < 1 ? $"{t.TotalSeconds:0}s" : t.TotalHours < 1 ? $"{t.TotalMinutes:0}m" : $"{t.TotalHours:0.0}h";

    private sealed record UnlockJson(string Master, bool Removed, string? Holder, string? Since, string? Version, int? Pid);
}
