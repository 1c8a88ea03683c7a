using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nvoi.Cli.Hosting;
using Nvoi.Cli.Rendering;
using Nvoi.Operations.Status;

namespace Nvoi.Cli.Commands;

/// <summary><c>nvoi status</c>: workloads, nodes, tunnels and DNS, the lock and the last deploys; reads only.</summary>
internal sealed class StatusCommand : Command
{
    private static readonly Option<bool> SandboxOption = SharedOptions.Sandbox();

    /// <summary>Deploys shown in the text output (--json has every recorded one).</summary>
    public const int DeploysShown = 5;

    public StatusCommand(CliHost host) : base("status",
        "Show each service's image tag, replicas ready/desired, restarts and last failure; nodes; tunnels and DNS; the lock; the last deploys.")
    {
        Options.Add(SandboxOption);
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            await using var session = DeploySession.Open(ctx, ctx.Parse.GetValue(SandboxOption));
            var status = await StatusReader.ReadAsync(session.Config, session.World, ct);
            if (ctx.Output.Mode == OutputMode.Json)
            {
                ctx.Output.Stdout.WriteLine(JsonSerializer.Serialize(status, StatusJsonContext.Default.AppStatus));
                return ExitCodes.Success;
            }
            foreach (var line in Render(status, host.Time.GetUtcNow())) ctx.Output.Line(line);
            return ExitCodes.Success;
        });
    }

    /// <summary>The text report: one table per section, columns padded.</summary>
    internal static IEnumerable<string> Render(AppStatus s, DateTimeOffset now)
    {
        yield return "SERVICES";
        foreach (var line in Table(["NAME", "KIND", "TAG", "READY", "RESTARTS", "LAST FAILURE"], s.Workloads.Select(w => new[]
        {
            w.Service ?? w.Name, w.Kind, w.Tag.Length > 0 ? w.Tag : w.Image, $"{w.Ready}/{w.Desired}",
            w.Restarts.ToString(CultureInfo.InvariantCulture), w.LastFailure is { } f ? Failure(f, now) : "-",
        }))) yield return line;

        yield return "";
        yield return "NODES";
        foreach (var line in Table(["NAME", "GROUP", "SERVER", "NODE", "VERSION"], s.Nodes.Select(n => new[]
        {
            n.Name, n.Group, n.Exists ? n.ServerStatus ?? "unknown" : "missing",
            !n.Registered ? "not registered" : n.Ready ? (n.Pressure.Count == 0 ? "Ready" : "Ready, " + string.Join(", ", n.Pressure)) : $"NotReady ({n.Reason})",
            n.KubeletVersion ?? "-",
        }))) yield return line;

        if (s.Tunnels.Count > 0)
        {
            yield return "";
            yield return "TUNNELS AND DNS";
            foreach (var line in Table(["HOSTNAME", "TUNNEL", "CONNECTORS", "DNS"], s.Tunnels.SelectMany(t => t.Dns.Select(d => new[]
            {
                d.Hostname, t.TunnelId is null ? $"{t.Tunnel} (missing)" : t.Tunnel, $"{t.ConnectorsReady}/{t.ConnectorsDesired}",
                d.Target is null ? "no record" : $"{d.Type} {d.Target}{(d.Proxied ? " (proxied)" : "")}{(d.PointsAtTunnel ? "" : " (not the tunnel)")}",
            })))) yield return line;
        }

        yield return "";
        yield return s.Lock is { } l
            ? $"LOCK  held by {l.Holder} since {l.Since:u} ({Age(now - l.Since)} ago, nvoi {l.Version})"
            : "LOCK  none";

        yield return "";
        yield return "DEPLOYS";
        if (s.Deploys.Count == 0)
        {
            yield return "  none recorded";
            yield break;
        }
        foreach (var line in Table(["WHEN", "WHO", "TAG", "RESULT"], s.Deploys.Take(DeploysShown).Select(d => new[]
        {
            d.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), d.Who, d.Tag, d.Error is null ? d.Result : $"{d.Result}: {d.Error}",
        }))) yield return line;
    }

    private static string Failure(FailureStatus f, DateTimeOffset now)
    {
        var exit = f.ExitCode is { } code ? $", last exit {code}{(f.ExitReason is { } r ? " " + r : "")}" : "";
        var when = f.At is { } at ? $" {Age(now - at)} ago" : "";
        return $"{f.Reason} ({f.Pod}{exit}{when})";
    }

    private static IEnumerable<string> Table(string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        return all.Select(r => "  " + string.Join("  ", r.Select((c, i) => i == r.Length - 1 ? c : c.PadRight(widths[i]))));
    }

    internal static string Age(TimeSpan t) =>
        t < TimeSpan.Zero ? "0s" : t.TotalMinutes < 1 ? $"{t.TotalSeconds:0}s" : t.TotalHours < 1 ? $"{t.TotalMinutes:0}m" : t.TotalDays < 2 ? $"{t.TotalHours:0.0}h" : $"{t.TotalDays:0}d";
}
