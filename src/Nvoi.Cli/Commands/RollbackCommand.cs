using System.CommandLine;
using System.Globalization;
using Nvoi.Cli.Hosting;
using Nvoi.Cli.Rendering;
using Nvoi.Operations.Rollback;

namespace Nvoi.Cli.Commands;

/// <summary>
/// <c>nvoi rollback [TAG]</c>: lists the images kept in the cluster registry, or rolls the app back to one of them
/// through the deploy's own rollout, migrations and URL check (no build, no push), recorded in the deploy history.
/// </summary>
internal sealed class RollbackCommand : Command
{
    public static readonly Argument<string?> Tag = new("tag")
    {
        Description = "The image tag to go back to (one of the kept tags; without it, the kept images are listed).",
        Arity = ArgumentArity.ZeroOrOne,
    };
    private static readonly Option<bool> SandboxOption = SharedOptions.Sandbox();
    private static readonly Option<bool> YesOption = SharedOptions.Yes();

    public RollbackCommand(CliHost host) : base("rollback",
        "List the kept images (tag, age, when deployed, which runs), or go back to TAG through the same rollout, migrations and URL check as a deploy. --yes without TAG takes the previous one.")
    {
        Arguments.Add(Tag);
        Options.Add(SandboxOption);
        Options.Add(YesOption);
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(SandboxOption));
            var kept = await KeptImages.ListAsync(session.Config, session.World, ct);
            var yes = ctx.Parse.GetValue(YesOption);
            var tag = ctx.Parse.GetValue(Tag);
            if (tag is null)
            {
                if (ctx.Output.Mode == OutputMode.Json && !yes)
                {
                    ctx.Output.WriteJson(Json(kept));
                    return ExitCodes.Success;
                }
                foreach (var line in Render(kept, host.Time.GetUtcNow())) ctx.Output.Line(line);
                if (yes) tag = kept.Previous ?? throw new NvoiException($"no previously deployed image of {kept.App} is kept: nothing to roll back to");
                else if (ctx.Host.InIsTerminal) tag = Ask(ctx, kept);
                else
                {
                    ctx.Output.Info(kept.Previous is { } p
                        ? $"run `nvoi rollback TAG` to go back to one of them, or `nvoi rollback --yes` for the previous one ({p})"
                        : "run `nvoi rollback TAG` to go back to one of them");
                    return ExitCodes.Success;
                }
                if (tag is null)
                {
                    ctx.Output.Info("nothing was changed");
                    return ExitCodes.Cancelled;
                }
            }
            if (kept.Find(tag) is null)
                throw new NvoiUsageException($"{tag} is not a kept image of {kept.App}; kept tags: " +
                    (kept.Images.Count == 0 ? "none" : string.Join(", ", kept.Images.Select(i => i.Tag))));

            var renderer = ctx.Output.CreateProgress(host.Time);
            var options = session.Options() with { ImageTag = tag, RollbackNote = kept.Running is { } running ? $"from {running}" : null };
            var deployer = new Nvoi.Operations.Deploy.Deployer(session.Config, session.World, renderer, options);
            var plan = await renderer.RunAsync(_ => deployer.ValidateAndPlanAsync(ct));
            // Asked outside the live view, which holds the terminal while it runs.
            if (!Confirmed(ctx, plan, kept, tag, yes))
            {
                ctx.Output.Info("nothing was changed");
                return ExitCodes.Cancelled;
            }
            await renderer.RunAsync(_ => deployer.DeployAsync(ct));
            return ExitCodes.Success;
        });
    }

    private static bool Confirmed(CommandContext ctx, Nvoi.Operations.Plan plan, KeptImageList kept, string tag, bool yes)
    {
        if (yes) return true;
        if (plan.HasDestructive) return Confirm.Destructive(ctx, plan, yes);
        if (!ctx.Host.InIsTerminal)
            throw new NvoiUsageException($"rolling {kept.App} back to {tag}: stdin is not a terminal, so re-run with --yes to proceed");
        ctx.Host.Err.Write($"Roll {kept.App} back from {kept.Running ?? "nothing"} to {tag}? [y/N] ");
        return ctx.Host.In.ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes";
    }

    /// <summary>Asks which tag (empty: the previous one); null when the answer is empty and there is no previous one.</summary>
    private static string? Ask(CommandContext ctx, KeptImageList kept)
    {
        ctx.Host.Err.Write(kept.Previous is { } p ? $"Roll back to which tag? [{p}] " : "Roll back to which tag? ");
        var answer = ctx.Host.In.ReadLine()?.Trim();
        return string.IsNullOrEmpty(answer) ? kept.Previous : answer;
    }

    /// <summary>The kept images, newest first: tag, age, when last deployed, and which one runs (or would be the previous).</summary>
    internal static IEnumerable<string> Render(KeptImageList kept, DateTimeOffset now)
    {
        if (kept.Images.Count == 0)
        {
            yield return $"no image of {kept.App} is kept in the cluster registry";
            yield break;
        }
        var rows = kept.Images.Select(i => new[]
        {
            i.Tag,
            i.Created is { } c ? StatusCommand.Age(now - c) : "-",
            i.DeployedAt is { } d ? d.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "never",
            i.Running ? "running" : i.Previous ? "previous" : "",
        }).Prepend(["TAG", "AGE", "DEPLOYED", ""]).ToList();
        var widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var r in rows) yield return ("  " + string.Join("  ", r.Select((cell, c) => c == 3 ? cell : cell.PadRight(widths[c])))).TrimEnd();
    }

    private static object Json(KeptImageList kept) => new
    {
        app = kept.App,
        running = kept.Running,
        previous = kept.Previous,
        images = kept.Images.Select(i => new
        {
            tag = i.Tag,
            created = i.Created,
            deployed_at = i.DeployedAt,
            running = i.Running,
            previous = i.Previous,
        }),
    };
}
