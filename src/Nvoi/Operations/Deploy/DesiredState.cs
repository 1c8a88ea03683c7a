using Nvoi.Cloud;
using Nvoi.Configuration;

namespace Nvoi.Operations.Deploy;

/// <summary>One server the config asks for.</summary>
public sealed record DesiredServer(string Name, string Group, int Index, bool IsMaster, string ServerType, string Location);

/// <summary>One server volume: on the first server of its group.</summary>
public sealed record DesiredVolume(string Name, string Group, string Volume, int SizeGb, string ServerName, string MountPath);

/// <summary>One tunnelled app: its tunnel name and every hostname.</summary>
public sealed record DesiredTunnel(string Service, string TunnelName, IReadOnlyList<string> Hostnames);

/// <summary>What the config asks for, by name (reference §3), computed without touching anything.</summary>
public sealed class DesiredState
{
    public DeployConfig Config { get; }
    public Names Names { get; }
    public IReadOnlyList<DesiredServer> Servers { get; }
    public IReadOnlyList<DesiredVolume> Volumes { get; }
    public IReadOnlyList<DesiredTunnel> Tunnels { get; }
    public DesiredServer Master { get; }
    public string Location { get; }

    /// <summary>Where Cloudflare tunnels send traffic: the Traefik that k3s ships.</summary>
    public const string TunnelOrigin = "http://traefik.kube-system.svc.cluster.local:80";

    public DesiredState(DeployConfig config)
    {
        Config = config;
        var app = config.Application;
        Names = new Names(app.Name!);
        var (defaultType, defaultLocation) = ProviderDefaults(app.ComputeProvider!);
        Location = defaultLocation;
        var servers = new List<DesiredServer>();
        var masterGroup = app.Servers.Count == 1 ? app.Servers.Keys.First() : app.Servers.First(s => s.Value.Master).Key;
        foreach (var (group, spec) in app.Servers)
            for (var i = 1; i <= spec.CountValue; i++)
                servers.Add(new DesiredServer(Names.Server(group, i), group, i, group == masterGroup && i == 1,
                    spec.Type ?? defaultType, spec.Location ?? defaultLocation));
        Servers = servers;
        Master = servers.Single(s => s.IsMaster);
        Volumes = app.Servers
            .SelectMany(g => g.Value.Volumes.Select(v => new DesiredVolume(
                Names.ServerVolume(g.Key, v.Key), g.Key, v.Key, v.Value.SizeValue, Names.Server(g.Key, 1), Names.ServerVolumeHostPath(g.Key, v.Key))))
            .ToList();
        Tunnels = app.App
            .Where(a => a.Value.IsWeb && !string.IsNullOrEmpty(a.Value.Domain))
            .Select(a => new DesiredTunnel(a.Key, Names.Tunnel(a.Key), Configuration.Names.Hostnames(a.Value.Subdomain, a.Value.Domain!)))
            .ToList();
    }

    public IEnumerable<string> Hostnames => Tunnels.SelectMany(t => t.Hostnames);

    /// <summary>
    /// The configured group and index of a server named <c>A-group-N</c> (any N from 1), whether or not N is
    /// within the group's count; null for any other name.
    /// </summary>
    public (string Group, int Index)? GroupMember(string serverName)
    {
        foreach (var group in Config.Application.Servers.Keys)
        {
            var prefix = Names.Server(group, 0)[..^1];
            if (serverName.StartsWith(prefix, StringComparison.Ordinal) &&
                int.TryParse(serverName[prefix.Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index >= 1)
                return (group, index);
        }
        return null;
    }

    /// <summary>The public URLs printed at the end (wildcards are not URLs).</summary>
    public IEnumerable<string> Urls => Hostnames.Where(h => !h.StartsWith('*')).Select(h => $"https://{h}");

    public static (string Type, string Location) ProviderDefaults(ComputeProvider provider) => provider switch
    {
        { Hetzner: { } h } => (h.ServerType!, h.ServerLocation!),
        { Aws: { } a } => (a.InstanceType!, a.Region!),
        { Scaleway: { } s } => (s.ServerType!, s.ZoneValue),
        _ => throw new NvoiException("no compute provider is configured"),
    };
}
