using Nvoi.Cluster;

namespace Nvoi.Operations.Status;

/// <summary>What <c>nvoi status</c> reports: the workloads, the nodes, tunnels and DNS, the lock and the last deploys.</summary>
public sealed record AppStatus(
    string App,
    DateTimeOffset ObservedAt,
    IReadOnlyList<WorkloadStatus> Workloads,
    IReadOnlyList<NodeStatus> Nodes,
    IReadOnlyList<TunnelStatus> Tunnels,
    LockStatus? Lock,
    IReadOnlyList<DeployRecord> Deploys);

/// <summary>
/// One Deployment or StatefulSet: its kind (app, database, service, tunnel, platform), the config key it comes from,
/// image and tag, replicas ready of desired, restarts summed over its pods, and its pods' most recent failure.
/// </summary>
public sealed record WorkloadStatus(
    string Name,
    string Kind,
    string? Service,
    string Image,
    string Tag,
    int Ready,
    int Desired,
    int Restarts,
    FailureStatus? LastFailure,
    IReadOnlyList<PodState> Pods);

/// <summary>One pod: its phase, readiness, restarts and node.</summary>
public sealed record PodState(string Name, string Phase, bool Ready, int Restarts, string? Node, string? Reason);

/// <summary>
/// Why a pod is not well: the current reason (CrashLoopBackOff, ImagePullBackOff, Unschedulable, Error...), the kubelet's
/// message, and the last exit of its container (code, reason, when).
/// </summary>
public sealed record FailureStatus(string Pod, string Reason, string? Message, int? ExitCode, string? ExitReason, DateTimeOffset? At);

/// <summary>A server of the config: whether it exists at the provider, and its node's health in the cluster.</summary>
public sealed record NodeStatus(string Name, string Group, bool Exists, string? ServerStatus, string? PublicIp, bool Registered, bool Ready,
    string? Reason, IReadOnlyList<string> Pressure, string? KubeletVersion);

/// <summary>A tunnelled app: its Cloudflare tunnel, connector pods and the DNS record of each hostname.</summary>
public sealed record TunnelStatus(string Service, string Tunnel, string? TunnelId, int ConnectorsReady, int ConnectorsDesired, IReadOnlyList<DnsStatus> Dns);

/// <summary>The record of one hostname: what it points at and whether that is the tunnel.</summary>
public sealed record DnsStatus(string Hostname, string? Type, string? Target, bool Proxied, bool PointsAtTunnel);

/// <summary>The deploy lock on the master: who holds it, since when, with which nvoi.</summary>
public sealed record LockStatus(string Holder, DateTimeOffset Since, string Version);
