using Nvoi.Cloud;
using Nvoi.Dns;

namespace Nvoi.Operations.Deploy;

/// <summary>What exists now, found by name. Nothing here was changed to find it.</summary>
public sealed class LiveState
{
    /// <summary>When it was read (the cloud's part; the cluster is read just after).</summary>
    public DateTimeOffset ObservedAt { get; set; }
    public NetworkInfo? Network { get; set; }
    /// <summary>A network found without its subnet (AWS: a create was cut short); the deploy finishes it.</summary>
    public bool NetworkIncomplete { get; set; }
    public FirewallInfo? Firewall { get; set; }
    public Dictionary<string, ServerInfo> Servers { get; } = new();
    public Dictionary<string, VolumeInfo> Volumes { get; } = new();
    /// <summary>Servers of configured groups beyond their count (the count went down).</summary>
    public List<ServerInfo> SurplusServers { get; } = new();
    public Dictionary<string, IReadOnlyList<TunnelChange>> TunnelChanges { get; } = new();
    /// <summary>Tunnels of apps that left the config, with what their removal deletes (read with the cluster).</summary>
    public List<RemovedTunnel> RemovedTunnels { get; } = new();
    /// <summary>Servers whose k3s is active (known only for servers reached over SSH).</summary>
    public HashSet<string> K3sActive { get; } = new();
    /// <summary>Each registered node's group label (null: none), read with the cluster (null when it was not read).</summary>
    public Dictionary<string, string?>? NodeLabels { get; set; }
    /// <summary>The cluster's objects managed by nvoi for this app, kind/name → applied hash (null when unreadable).</summary>
    public Dictionary<string, string?>? ClusterObjects { get; set; }
    /// <summary>The build-context digest and image of the running app, when the cluster has one.</summary>
    public string? LiveSourceDigest { get; set; }
    public string? LiveImage { get; set; }
    /// <summary>What nvoi 0.2.0 left that a deploy takes over (null: not looked at, no cluster yet).</summary>
    public Nvoi020Leftovers? Nvoi020 { get; set; }
}
