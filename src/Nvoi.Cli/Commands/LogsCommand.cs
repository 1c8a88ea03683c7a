using System.CommandLine;
using System.Text;
using System.Text.Json;
using Nvoi.Cli.Hosting;
using Nvoi.Cli.Rendering;
using Nvoi.Cluster;
using Nvoi.Operations;
using Nvoi.Remote;

namespace Nvoi.Cli.Commands;

internal sealed class LogsCommand : Command
{
    public static readonly Argument<string> App = new("target")
    {
        Description = "An app service (a key under application.app, e.g. web), an extra service (under application.services, e.g. redis) or db for the database.",
    };
    public static readonly Option<bool> Follow = new("--follow", "-f") { Description = "Keep streaming new lines." };
    public static readonly Option<int> Tail = new("--tail", "-n")
    {
        Description = "Lines to show from the end of each pod's log.",
        DefaultValueFactory = _ => 100,
        HelpName = "lines",
    };
    public static readonly Option<string?> Since = new("--since")
    {
        Description = "Only lines newer than this duration, e.g. 30s, 15m, 2h, 1h30m, 7d.",
        HelpName = "duration",
    };
    public static readonly Option<bool> Previous = new("--previous", "-p")
    {
        Description = "The previous container's lines: what a crashed (restarted) container printed before it died.",
    };
    private static readonly Option<bool> SandboxOption = SharedOptions.Sandbox();

    // Distinct ANSI colors, one per pod in order of appearance.
    private static readonly string[] Palette = ["36", "33", "35", "32", "34", "91", "96", "93"];

    public LogsCommand(CliHost host) : base("logs", "Show the logs of every pod of an app service, an extra service or the database, each line prefixed by its pod. --json prints NDJSON {\"pod\",\"line\"}.")
    {
        Arguments.Add(App);
        Options.Add(Follow);
        Options.Add(Tail);
        Options.Add(Since);
        Options.Add(Previous);
        Options.Add(SandboxOption);
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            var tail = ctx.Parse.GetValue(Tail);
            if (tail < 0) throw new NvoiUsageException("--tail must be 0 or more");
            TimeSpan? since = null;
            if (ctx.Parse.GetValue(Since) is { } text)
                since = AppLogs.ParseDuration(text) ?? throw new NvoiUsageException($"--since '{text}' is not a duration such as 30s, 15m, 2h or 1h30m");
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(SandboxOption));
            var target = ctx.Parse.GetValue(App)!;
            AppLogs.TargetLabel(session.Config, target); // an unknown target fails before anything is reached
            var query = new LogQuery(tail, ctx.Parse.GetValue(Follow), since, ctx.Parse.GetValue(Previous));
            var colors = new Dictionary<string, string>();
            await foreach (var line in AppLogs.StreamAsync(session.Config, session.World, target, query, ct))
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

internal sealed class ExecCommand : Command
{
    public static readonly Argument<string[]> CommandArgs = new("command")
    {
        Description = "The command and its arguments, passed to the server exactly as typed (put -- before it).",
        Arity = ArgumentArity.ZeroOrMore,
    };
    public static readonly Option<string> Server = new("--server")
    {
        Description = "Where to run: main (the master) or a server name such as workers-2.",
        DefaultValueFactory = _ => "main",
        HelpName = "name",
    };
    public static readonly Option<bool> All = new("--all") { Description = "Run on every server in parallel, output prefixed by [server]." };
    public static readonly Option<bool> Interactive = new("--interactive", "-i") { Description = "Open an interactive shell (system ssh, pinned host key)." };
    public static readonly Option<bool> RetrustHostKey = new("--retrust-host-key")
    {
        Description = "Accept and pin the server's current host key (after you rebuilt the server yourself).",
    };
    private static readonly Option<bool> SandboxOption = SharedOptions.Sandbox();

    public ExecCommand(CliHost host) : base("exec", "Run a command on a server over SSH, on all servers, or open a shell.")
    {
        Arguments.Add(CommandArgs);
        Options.Add(Server);
        Options.Add(All);
        Options.Add(Interactive);
        Options.Add(RetrustHostKey);
        Options.Add(SandboxOption);
        Options.Add(SharedOptions.ConfigDir());
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            var argv = ctx.Parse.GetValue(CommandArgs) ?? [];
            var all = ctx.Parse.GetValue(All);
            var interactive = ctx.Parse.GetValue(Interactive);
            var retrustWanted = ctx.Parse.GetValue(RetrustHostKey);
            if (all && interactive) throw new NvoiUsageException("--all and -i cannot be combined");
            if (all && retrustWanted) throw new NvoiUsageException("--retrust-host-key takes one server: use it with --server");
            if (!interactive && argv.Length == 0) throw new NvoiUsageException("no command given: put it after --, e.g. nvoi exec -- uptime (or -i for a shell)");

            // Filled once the server's full name is known, before any connection is made.
            var retrust = new HashSet<string>();
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(SandboxOption), retrust);
            var exec = new RemoteExec(session.Config, session.World);
            var gate = new object();
            if (all)
            {
                var results = await exec.RunOnAllAsync(argv, (server, line) =>
                {
                    lock (gate) (line.IsStderr ? host.Err : host.Out).WriteLine($"[{server}] {line.Text}");
                }, ct);
                var failed = results.Where(r => r.ExitCode != 0).ToList();
                if (failed.Count == 0) return ExitCodes.Success;
                ctx.Output.Error($"failed on {failed.Count} of {results.Count} servers: {string.Join(", ", failed.Select(f => $"{f.Server} (exit {f.ExitCode})"))}");
                return failed.Count == 1 ? failed[0].ExitCode : ExitCodes.Failure;
            }

            var name = exec.ResolveName(ctx.Parse.GetValue(Server)!);
            if (retrustWanted)
            {
                if (session.Sandbox) throw new NvoiUsageException("--retrust-host-key does not apply to simulated hosts (--sandbox)");
                retrust.Add(name);
            }
            var server = await exec.FindServerAsync(name, ct);
            if (interactive) return await InteractiveAsync(session, server, argv, ct);
            // Piped or redirected input reaches the command (`nvoi exec -- sh -c 'cat > f' < f`); from a terminal
            // the command reads an empty input, as with `ssh -n`.
            await using var stdin = !host.InIsTerminal && host.OpenInput is { } open ? open() : Stream.Null;
            var result = await exec.RunAsync(server, argv, line =>
            {
                lock (gate) (line.IsStderr ? host.Err : host.Out).WriteLine(line.Text);
            }, ct, stdin);
            return result.ExitCode;
        });
    }

    private static async Task<int> InteractiveAsync(DeploySession session, Nvoi.Cloud.ServerInfo server, string[] argv, CancellationToken ct)
    {
        if (session.Sandbox)
            throw new NvoiUsageException("exec -i is not available for simulated hosts (--sandbox); run a command instead: nvoi exec --sandbox -- CMD");
        var keys = session.Config.Application.SshKeys!;
        if (!keys.HostKeys.TryGetValue(server.Name, out var pinned) || !HostKey.TryParse(pinned, out var hostKey))
            throw new NvoiException($"no pinned host key for {server.Name}; run `nvoi exec --server {server.Name} -- true` once to pin it");
        var endpoint = new SshEndpoint(server.Name, server.PublicIPv4 ?? throw new NvoiException($"server {server.Name} has no public IPv4 address"));
        return await InteractiveSsh.RunAsync(endpoint, "deploy", keys.PrivateKey!, hostKey!, argv.Length == 0 ? null : argv, ct);
    }
}
