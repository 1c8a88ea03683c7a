using System.CommandLine;
using System.Text;
using System.Text.Json;
using Nvoi.Cli.Hosting;
using Nvoi.Cli.Rendering;
using Nvoi.Operations;

namespace Nvoi.Cli.Commands;

internal sealed class LogsCommand : Command
{
    public static readonly Argument<string> App = new("app") { Description = "The app service (a key under application.app), e.g. web." };
    public static readonly Option<bool> Follow = new("--follow", "-f") { Description = "Keep streaming new lines." };
    public static readonly Option<int> Tail = new("--tail", "-n")
    {
        Description = "Lines to show from the end of each pod's log.",
        DefaultValueFactory = _ => 100,
        HelpName = "lines",
    };
    private static readonly Option<bool> SandboxOption = SharedOptions.Sandbox();

    // Distinct ANSI colors, one per pod in order of appearance.
    private static readonly string[] Palette = ["36", "33", "35", "32", "34", "91", "96", "93"];

    public LogsCommand(CliHost host) : base("logs", "Show the logs of every pod of an app service, each line prefixed by its pod. --json prints NDJSON {\"pod\",\"line\"}.")
    {
        Arguments.Add(App);
        Options.Add(Follow);
        Options.Add(Tail);
        Options.Add(SandboxOption);
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            var tail = ctx.Parse.GetValue(Tail);
            if (tail < 0) throw new NvoiUsageException("--tail must be 0 or more");
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(SandboxOption));
            var app = ctx.Parse.GetValue(App)!;
            AppLogs.PodLabel(session.Config, app); // an unknown app fails before anything is reached
            var colors = new Dictionary<string, string>();
            await foreach (var line in AppLogs.StreamAsync(session.Config, session.World, app, tail, ctx.Parse.GetValue(Follow), ct))
            {
                if (ctx.Output.Mode == OutputMode.Json)
                    ctx.Output.Stdout.WriteLine(Json(line.Pod, line.Text));
                else if (ctx.Output.Color)
                {
                    if (!colors.TryGetValue(line.Pod, out var color)) colors[line.Pod] = color = Palette[colors.Count % Palette.Length];
                    ctx.Output.Stdout.WriteLine($"\u001b[{color}m[{line.Pod}]\u001b[0m {line.Text}");
                }
                else
                    ctx.Output.Stdout.WriteLine(line.ToString());
                if (ctx.Parse.GetValue(Follow)) await ctx.Output.Stdout.FlushAsync(ct);
            }
            return ExitCodes.Success;
        });
    }

    /// <summary>One NDJSON line: {"pod":..,"line":..}.</summary>
    public static string Json(string pod, string text)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("pod", pod);
            w.WriteString("line", text);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
