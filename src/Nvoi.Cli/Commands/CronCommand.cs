using System.CommandLine;
using Nvoi.Cli.Hosting;
using Nvoi.Cli.Rendering;
using Nvoi.Operations;

namespace Nvoi.Cli.Commands;

/// <summary><c>nvoi cron run NAME</c> and <c>nvoi cron list</c>: the CronJobs of <c>application.app.*.crons</c>.</summary>
internal sealed class CronCommand : Command
{
    private static readonly Argument<string> CronName = new("name") { Description = "The cron (a key under application.app.<service>.crons), e.g. cleanup." };

    public CronCommand(CliHost host) : base("cron", "Scheduled commands (application.app.<service>.crons).")
    {
        var run = new Command("run", "Run a cron now, as a Job from its CronJob: streams its log and exits with the command's exit code. --json prints NDJSON {\"pod\",\"line\"} then {\"job\",\"exit_code\"}.");
        run.Arguments.Add(CronName);
        var runSandbox = SharedOptions.Sandbox();
        run.Options.Add(runSandbox);
        CommandRunner.Bind(run, host, async (ctx, ct) =>
        {
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(runSandbox));
            var cron = ctx.Parse.GetValue(CronName)!;
            Crons.Find(session.Config, cron); // an unknown cron fails before anything is reached
            var json = ctx.Output.Mode == OutputMode.Json;
            var gate = new object();
            var result = await Crons.RunAsync(session.Config, session.World, cron, line =>
            {
                lock (gate)
                {
                    ctx.Output.Stdout.WriteLine(json ? LogsCommand.Json(line.Pod, line.Text) : line.Text);
                    ctx.Output.Stdout.Flush();
                }
            }, ct);
            if (json) ctx.Output.WriteJson(new { result.Job, result.ExitCode });
            else if (result.ExitCode == 0) ctx.Output.Success($"cron {cron} finished (job {result.Job})");
            else ctx.Output.Error($"cron {cron} exited with code {result.ExitCode} (job {result.Job})");
            return result.ExitCode;
        });

        var list = new Command("list", "The crons of the config: schedule, app service, and when each last ran in the cluster.");
        var listSandbox = SharedOptions.Sandbox();
        list.Options.Add(listSandbox);
        CommandRunner.Bind(list, host, async (ctx, ct) =>
        {
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(listSandbox));
            var crons = await Crons.ListAsync(session.Config, session.World, ct);
            if (ctx.Output.Mode == OutputMode.Json)
            {
                ctx.Output.WriteJson(new
                {
                    Crons = crons.Select(c => new
                    {
                        Name = c.Cron, c.Service, c.Config.Schedule, c.Config.Command, CronJob = c.Live?.CronJob,
                        Deployed = c.Live is not null, LastSchedule = c.Live?.LastSchedule, LastSuccess = c.Live?.LastSuccess, Active = c.Live?.Active ?? 0,
                    }).ToList(),
                });
                return ExitCodes.Success;
            }
            if (crons.Count == 0)
            {
                ctx.Output.Info("no crons in the config");
                return ExitCodes.Success;
            }
            ctx.Output.Line($"{"NAME",-20} {"SERVICE",-12} {"SCHEDULE",-16} {"LAST RUN",-20} STATE");
            foreach (var c in crons)
            {
                var last = c.Live?.LastSchedule is { } t ? t.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) : "-";
                var state = c.Live is null ? "not deployed" : c.Live.Schedule != c.Config.Schedule ? $"deployed as {c.Live.Schedule}" : c.Live.Active > 0 ? $"{c.Live.Active} running" : "deployed";
                ctx.Output.Line($"{c.Cron,-20} {c.Service,-12} {c.Config.Schedule,-16} {last,-20} {state}");
            }
            return ExitCodes.Success;
        });

        Subcommands.Add(run);
        Subcommands.Add(list);
    }
}
