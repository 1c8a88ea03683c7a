using System.Text.Json;
using Nvoi.Cli.Rendering;
using Nvoi.Operations.Progress;

namespace Nvoi.Cli.Tests.Rendering;

public class JsonProgressRendererTests
{
    private static List<JsonElement> Run(IEnumerable<ProgressEvent> events)
    {
        var output = new StringWriter();
        var renderer = new JsonProgressRenderer(output, ProgressScript.NewTime());
        foreach (var e in events) renderer.Report(e);
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
    }

    [Fact]
    public void Every_event_is_one_json_line_with_its_type()
    {
        var lines = Run(ProgressScript.Events);
        Assert.Equal(
            ["plan", "step_started", "step_started", "step_started", "message", "message", "step_finished", "message", "step_failed", "step_failed", "completed"],
            lines.Select(l => l.GetProperty("type").GetString()));
        Assert.All(lines, l => Assert.True(l.TryGetProperty("at", out _)));
    }

    [Fact]
    public void Step_events_have_their_fields()
    {
        var lines = Run(ProgressScript.Events);
        Assert.Equal("""{"type":"step_started","id":"infra","parent":null,"title":"Infrastructure","at":"2026-11-25T19:00:00.1+00:00"}""", lines[1].GetRawText());
        Assert.Equal("infra", lines[2].GetProperty("parent").GetString());
        Assert.Equal("""{"type":"message","step":"servers","level":"detail","text":"creating myapp-master-1","at":"2026-11-25T19:00:00.5+00:00"}""", lines[4].GetRawText());
        Assert.Equal("""{"type":"step_finished","id":"servers","detail":"created 3","at":"2026-11-25T19:00:02.3+00:00"}""", lines[6].GetRawText());
        Assert.Equal(JsonValueKind.Null, lines[7].GetProperty("step").ValueKind);
        Assert.Equal("warning", lines[7].GetProperty("level").GetString());
        Assert.Equal("volume myapp-data did not attach", lines[8].GetProperty("error").GetString());
        Assert.Equal(["https://app.example.com", "https://api.example.com"],
            lines[10].GetProperty("urls").EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public void Plan_event_lists_actions()
    {
        var plan = Run(ProgressScript.Events)[0];
        var first = plan.GetProperty("actions")[0];
        Assert.Equal("""{"action":"create","kind":"server","name":"myapp-master-1","reason":"not found"}""", first.GetRawText());
        Assert.Equal(["create", "update", "none", "delete"],
            plan.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(1, plan.GetProperty("summary").GetProperty("delete").GetInt32());
    }

    [Fact]
    public void Texts_are_escaped_into_valid_json()
    {
        var lines = Run([new ProgressMessage("build", MessageLevel.Detail, "say \"hi\"\t\\ ✓ \u001b[31mred") { At = ProgressScript.T0 }]);
        Assert.Equal("say \"hi\"\t\\ ✓ \u001b[31mred", lines.Single().GetProperty("text").GetString());
    }

    [Fact]
    public void Parallel_reports_give_whole_lines()
    {
        var output = new StringWriter();
        var renderer = new JsonProgressRenderer(output, ProgressScript.NewTime());
        Parallel.For(0, 300, i => renderer.Report(new ProgressMessage($"s{i}", MessageLevel.Info, new string('x', i))));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(300, lines.Length);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"s{i}").Order(),
            lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetString()!).Order());
    }
}
