using Nvoi.Operations;
using Spectre.Console;

namespace Nvoi.Cli.Rendering;

/// <summary>Prints a plan for <c>nvoi plan</c>: a table (rich or plain text) or one JSON object.</summary>
public static class PlanPrinter
{
    /// <summary>Writes <paramref name="plan"/> in the output's mode.</summary>
    public static void Print(Output output, Plan plan)
    {
        switch (output.Mode)
        {
            case OutputMode.Json:
                output.Stdout.WriteLine(ToJson(plan));
                break;
            case OutputMode.Rich:
                if (plan.Actions.Count > 0) output.Console.Write(ToTable(plan));
                output.Console.MarkupLine(Markup.Escape(Summary(plan)));
                break;
            default:
                foreach (var line in PlainLines(plan)) output.Stdout.WriteLine(line);
                output.Stdout.WriteLine(Summary(plan));
                break;
        }
    }

    /// <summary>The lowercase action word used in every format.</summary>
    public static string ActionName(PlanActionKind action) => action switch
    {
        PlanActionKind.Create => "create",
        PlanActionKind.Update => "update",
        PlanActionKind.Delete => "delete",
        _ => "none",
    };

    /// <summary>"Plan: 3 to create, 1 to update, 0 to delete." or "No changes.".</summary>
    public static string Summary(Plan plan) => plan.HasChanges
        ? $"Plan: {plan.Count(PlanActionKind.Create)} to create, {plan.Count(PlanActionKind.Update)} to update, {plan.Count(PlanActionKind.Delete)} to delete."
        : "No changes.";

    /// <summary>A Spectre table: action, kind, name, reason (deletes in red, creates in green).</summary>
    public static Table ToTable(Plan plan)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Action").AddColumn("Kind").AddColumn("Name").AddColumn("Reason");
        foreach (var a in plan.Actions)
        {
            var color = a.Action switch
            {
                PlanActionKind.Create => "green",
                PlanActionKind.Update => "yellow",
                PlanActionKind.Delete => "red",
                _ => "grey",
            };
            table.AddRow($"[{color}]{ActionName(a.Action)}[/]", Markup.Escape(a.Kind), Markup.Escape(a.Name), Markup.Escape(a.Reason));
        }
        return table;
    }

    /// <summary>The table as aligned plain-text lines (header first), no ANSI.</summary>
    public static IReadOnlyList<string> PlainLines(Plan plan)
    {
        if (plan.Actions.Count == 0) return [];
        string[][] rows =
        [
            ["ACTION", "KIND", "NAME", "REASON"],
            .. plan.Actions.Select(a => new[] { ActionName(a.Action), a.Kind, a.Name, a.Reason }),
        ];
        var widths = Enumerable.Range(0, 3).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return rows.Select(r => $"{r[0].PadRight(widths[0])}  {r[1].PadRight(widths[1])}  {r[2].PadRight(widths[2])}  {r[3]}".TrimEnd()).ToArray();
    }

    /// <summary><c>{"actions":[{"action","kind","name","reason"}...],"summary":{"create":n,"update":n,"delete":n}}</c>.</summary>
    public static string ToJson(Plan plan) =>
        System.Text.Json.JsonSerializer.Serialize(ProgressJson.PlanDocument(plan), ProgressJsonContext.Default.PlanDocumentJson);
}
