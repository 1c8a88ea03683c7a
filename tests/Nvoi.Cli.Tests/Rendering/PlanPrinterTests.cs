using System.Text.Json;
using Nvoi.Cli.Rendering;
using Nvoi.Operations;

namespace Nvoi.Cli.Tests.Rendering;

public class PlanPrinterTests
{
    private static (Output Output, StringWriter Out) NewOutput(OutputMode mode)
    {
        var stdout = new StringWriter();
        return (new Output(stdout, new StringWriter(), mode, color: false, verbose: false, interactive: false), stdout);
    }

    [Fact]
    public void Json_is_one_object_with_actions_and_summary()
    {
        var (output, stdout) = NewOutput(OutputMode.Json);
        PlanPrinter.Print(output, ProgressScript.Plan);

        var text = stdout.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("""
            {"actions":[{"action":"create","kind":"server","name":"myapp-master-1","reason":"not found"},{"action":"update","kind":"deployment","name":"myapp-web","reason":"image changed"},{"action":"none","kind":"network","name":"myapp-network","reason":"exists"},{"action":"delete","kind":"volume","name":"myapp-old","reason":"no longer in config"}],"summary":{"create":1,"update":1,"delete":1}}
            """, text.TrimEnd());
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(["actions", "summary"], doc.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Json_of_empty_plan()
    {
        var (output, stdout) = NewOutput(OutputMode.Json);
        PlanPrinter.Print(output, new Plan([]));
        Assert.Equal("""{"actions":[],"summary":{"create":0,"update":0,"delete":0}}""", stdout.ToString().TrimEnd());
    }

    [Fact]
    public void Plain_is_an_aligned_table_and_a_summary()
    {
        var (output, stdout) = NewOutput(OutputMode.Plain);
        PlanPrinter.Print(output, ProgressScript.Plan);
        Assert.Equal("""
            ACTION  KIND        NAME            REASON
            create  server      myapp-master-1  not found
            update  deployment  myapp-web       image changed
            none    network     myapp-network   exists
            delete  volume      myapp-old       no longer in config
            Plan: 1 to create, 1 to update, 1 to delete.

            """.ReplaceLineEndings(), stdout.ToString());
    }

    [Fact]
    public void No_changes_says_so()
    {
        var (output, stdout) = NewOutput(OutputMode.Plain);
        PlanPrinter.Print(output, new Plan([new PlannedAction(PlanActionKind.None, "network", "myapp-network", "exists")]));
        Assert.EndsWith("No changes." + Environment.NewLine, stdout.ToString());
    }

    [Fact]
    public void Rich_is_a_table()
    {
        var console = new Spectre.Console.Testing.TestConsole();
        console.Profile.Width = 100;
        console.Write(PlanPrinter.ToTable(ProgressScript.Plan));
        var lines = console.Lines;
        Assert.Contains(lines, l => l.Contains("Action") && l.Contains("Kind") && l.Contains("Name") && l.Contains("Reason"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"│ delete\s+│ volume\s+│ myapp-old\s+│ no longer in config\s+│"));
        Assert.Equal(4 + 4, lines.Count); // top, header, separator, 4 rows, bottom
    }
}
