using Nvoi.Cli.Tests.Deploy;
using Nvoi.Configuration;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Tests.DayTwo;

/// <summary>Opens a project's sandbox world (after the CLI is done with it) to look at the emulators' state.</summary>
public static class SandboxInspector
{
    public static DeployConfig Config(SandboxProject project, string? branch = null) =>
        ConfigSource.Load(project.Run.PathOf("deploy.yml"), _ => null, branch: branch);

    public static Task<SandboxWorld> OpenAsync(SandboxProject project, string? branch = null) =>
        SandboxWorld.OpenAsync(Config(project, branch), Path.Combine(project.Run.Dir, ".nvoi", "sandbox"), TimeProvider.System);

    /// <summary>Every resource name in the emulators that carries <paramref name="prefix"/> (servers, volumes, network, firewall, tunnels, tunnel CNAMEs).</summary>
    public static async Task<IReadOnlyList<string>> ResourcesAsync(SandboxWorld world, Names names)
    {
        var ct = CancellationToken.None;
        var found = new List<string>();
        found.AddRange((await world.Cloud.ListServersAsync(ct)).Select(s => "server " + s.Name).Where(n => Carries(n, names)));
        found.AddRange((await world.Cloud.ListVolumesAsync(ct)).Select(v => "volume " + v.Name).Where(n => Carries(n, names)));
        if (await world.Cloud.FindNetworkAsync(names.Network, ct) is { } net) found.Add("network " + net.Name);
        if (await world.Cloud.FindFirewallAsync(names.Firewall, ct) is { } fw) found.Add("firewall " + fw.Name);
        var tunnels = await world.Cloudflare.ListTunnelsAsync(null, deleted: false, ct);
        found.AddRange(tunnels.Select(t => "tunnel " + t.Name).Where(n => Carries(n, names)));
        var everyTunnel = await world.Cloudflare.ListTunnelsAsync(null, deleted: null, ct);
        var targets = everyTunnel.Where(t => t.Name.StartsWith(names.Prefix, StringComparison.Ordinal)).Select(t => t.CnameTarget).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var zone in await world.Cloudflare.ListZonesAsync(ct))
            foreach (var record in await world.Cloudflare.ListDnsRecordsAsync(zone, null, ct))
                if (record.Name.Contains(names.Prefix) || targets.Contains(record.Content.TrimEnd('.')))
                    found.Add($"dns {record.Type} {record.Name} → {record.Content}");
        return found;
    }

    private static bool Carries(string text, Names names) =>
        text.Contains(" " + names.App + "-", StringComparison.Ordinal) || text.Contains(" " + names.Prefix, StringComparison.Ordinal);
}

/// <summary>The system clock moved by an offset: a CLI run "later" without waiting (timers stay real).</summary>
public sealed class ShiftedTime(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
