using Nvoi.Operations;

namespace Nvoi.Cli.Hosting;

/// <summary>Questions asked before destructive work: on a terminal only; elsewhere --yes is required.</summary>
internal static class Confirm
{
    public static bool Destructive(CommandContext ctx, Plan plan, bool yes)
    {
        if (yes) return true;
        var deletions = plan.Actions.Where(a => a.IsDestructive).Select(a => $"{a.Kind} {a.Name}").ToList();
        if (!ctx.Host.InIsTerminal)
            throw new NvoiUsageException($"the plan deletes {string.Join(", ", deletions)}; stdin is not a terminal, so re-run with --yes to proceed");
        ctx.Host.Err.Write($"The plan deletes {string.Join(", ", deletions)}. Proceed? [y/N] ");
        var answer = ctx.Host.In.ReadLine()?.Trim().ToLowerInvariant();
        return answer is "y" or "yes";
    }

    /// <summary>Asks for the application name to be typed (delete).</summary>
    public static bool TypedName(CommandContext ctx, string name, string what, bool yes)
    {
        if (yes) return true;
        if (!ctx.Host.InIsTerminal)
            throw new NvoiUsageException($"{what}: stdin is not a terminal, so re-run with --yes to confirm");
        ctx.Host.Err.Write($"{what}. Type the application name ({name}) to confirm: ");
        return ctx.Host.In.ReadLine()?.Trim() == name;
    }
}
