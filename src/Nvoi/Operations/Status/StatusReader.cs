using k8s;
using k8s.Models;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Hosts;
using Nvoi.Operations.Deploy;

namespace Nvoi.Operations.Status;

/// <summary>
/// `nvoi status`: reads everything, changes nothing. Servers from the provider, the lock from the master, workloads,
/// pods, nodes and the deploy history from the cluster, tunnels and DNS records from Cloudflare: all read at once.
/// Secrets are never read (no Secret object, no env value).
/// </summary>
public static class StatusReader
{
    private static readonly string[] PressureConditions = ["MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"];

    public static async Task<AppStatus> ReadAsync(DeployConfig config, IWorld world, CancellationToken ct)
    {
        var desired = new DesiredState(config);
        var names = desired.Names;
        var master = await ClusterConnection.FindMasterAsync(world, desired, ct);
        var masterHost = world.Host(master);
        var servers = world.Cloud.ListServersAsync(ct);
        var held = ServerSetup.ReadDeployLockAsync(masterHost, names.DeployLockPath, ct);
        await using var cluster = await ClusterConnection.OpenAsync(world, masterHost, ct);
        var client = cluster.Client;
        var ns = ClusterLabels.Namespace;
        var selector = ClusterLabels.Selector(names.App);
        var deployments = client.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: selector, cancellationToken: ct);
        var statefulSets = client.AppsV1.ListNamespacedStatefulSetAsync(ns, labelSelector: selector, cancellationToken: ct);
        var pods = client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: ct);
        var nodes = client.CoreV1.ListNodeAsync(cancellationToken: ct);
        var history = DeployHistory.ReadAsync(client, ct);
        var dns = TunnelsAsync(world, desired, ct);
        await Task.WhenAll(servers, held, deployments, statefulSets, pods, nodes, history, dns);

        var podList = pods.Result.Items;
        var workloads = deployments.Result.Items
            .Select(d => Workload(config, names, d.Metadata.Name, d.Spec.Template, d.Spec.Selector, d.Spec.Replicas ?? 1, d.Status?.ReadyReplicas ?? 0, podList))
            .Concat(statefulSets.Result.Items
                .Select(s => Workload(config, names, s.Metadata.Name, s.Spec.Template, s.Spec.Selector, s.Spec.Replicas ?? 1, s.Status?.ReadyReplicas ?? 0, podList)))
            .OrderBy(w => KindOrder(w.Kind)).ThenBy(w => w.Name, StringComparer.Ordinal)
            .ToList();
        var tunnels = dns.Result.Select(t =>
        {
            var connector = workloads.FirstOrDefault(w => w.Kind == "tunnel" && w.Service == t.Service);
            return t with { ConnectorsReady = connector?.Ready ?? 0, ConnectorsDesired = connector?.Desired ?? 0 };
        }).ToList();
        var lockStatus = held.Result is { } l ? new LockStatus(l.Holder, l.Since, l.Version) : null;
        var deploys = history.Result.Reverse().ToList(); // newest first
        return new AppStatus(names.App, world.Time.GetUtcNow(), workloads, Nodes(desired, servers.Result, nodes.Result.Items), tunnels, lockStatus, deploys);
    }

    private static int KindOrder(string kind) => kind switch { "app" => 0, "database" => 1, "service" => 2, "tunnel" => 3, _ => 4 };

    /// <summary>What a workload name stands for in the config: (kind, config key).</summary>
    private static (string Kind, string? Service) Classify(DeployConfig config, Names names, string name)
    {
        foreach (var s in config.Application.App.Keys) if (names.AppDeployment(s) == name) return ("app", s);
        if (names.Database == name) return ("database", null);
        foreach (var s in config.Application.Services.Keys) if (names.ExtraService(s) == name) return ("service", s);
        foreach (var s in config.Application.App.Keys) if (names.Cloudflared(s) == name) return ("tunnel", s);
        return ("platform", null);
    }

    private static WorkloadStatus Workload(DeployConfig config, Names names, string name, V1PodTemplateSpec template, V1LabelSelector selector,
        int desired, int ready, IEnumerable<V1Pod> allPods)
    {
        var (kind, service) = Classify(config, names, name);
        var image = template.Spec.Containers.FirstOrDefault()?.Image ?? "";
        var match = selector.MatchLabels ?? new Dictionary<string, string>();
        var pods = allPods.Where(p => match.All(m => p.Metadata.Labels?.TryGetValue(m.Key, out var v) == true && v == m.Value))
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        var states = pods.Select(p => new PodState(p.Metadata.Name, p.Status?.Phase ?? "Unknown",
            p.Status?.ContainerStatuses is { Count: > 0 } cs && cs.All(c => c.Ready), Restarts(p), p.Spec?.NodeName, PodDiagnostics.Reason(p))).ToList();
        var failure = pods.Select(Failure).Where(f => f is not null).OrderByDescending(f => f!.At ?? DateTimeOffset.MinValue).FirstOrDefault();
        return new WorkloadStatus(name, kind, service, image, DeployHistory.TagOf(image), ready, desired, states.Sum(s => s.Restarts), failure, states);
    }

    private static int Restarts(V1Pod pod) => pod.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0;

    /// <summary>The pod's failure: a container waiting for a bad reason or terminated in error, the last exit, or an unscheduled pod.</summary>
    internal static FailureStatus? Failure(V1Pod pod)
    {
        var name = pod.Metadata.Name;
        foreach (var c in pod.Status?.ContainerStatuses ?? [])
        {
            var last = c.LastState?.Terminated;
            var now = c.State?.Terminated;
            if (c.State?.Waiting is { Reason: { } reason } w && reason is not ("ContainerCreating" or "PodInitializing"))
                return new FailureStatus(name, reason, w.Message, last?.ExitCode, last?.Reason, Time(last?.FinishedAt));
            if (now is { } t && t.ExitCode != 0)
                return new FailureStatus(name, t.Reason ?? "Error", t.Message, t.ExitCode, t.Reason, Time(t.FinishedAt));
            if (last is { } l && c.RestartCount > 0)
                return new FailureStatus(name, "Restarted", l.Message, l.ExitCode, l.Reason, Time(l.FinishedAt));
        }
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (scheduled?.Status == "False")
            return new FailureStatus(name, scheduled.Reason ?? "Unschedulable", scheduled.Message, null, null, Time(scheduled.LastTransitionTime));
        return null;
    }

    private static DateTimeOffset? Time(DateTime? t) => t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private static IReadOnlyList<NodeStatus> Nodes(DesiredState desired, IReadOnlyList<Cloud.ServerInfo> servers, IEnumerable<V1Node> nodes)
    {
        var byName = nodes.ToDictionary(n => n.Metadata.Name);
        return desired.Servers.Select(s =>
        {
            var server = servers.FirstOrDefault(x => x.Name == s.Name);
            if (!byName.TryGetValue(s.Name, out var node))
                return new NodeStatus(s.Name, s.Group, server is not null, server?.Status.ToString().ToLowerInvariant(), server?.PublicIPv4, false, false, "not registered", [], null);
            var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            var pressure = (node.Status?.Conditions ?? []).Where(c => PressureConditions.Contains(c.Type) && c.Status == "True").Select(c => c.Type).ToList();
            return new NodeStatus(s.Name, s.Group, server is not null, server?.Status.ToString().ToLowerInvariant(), server?.PublicIPv4, true, ready?.Status == "True",
                ready?.Status == "True" ? null : ready?.Reason ?? "NotReady", pressure, node.Status?.NodeInfo?.KubeletVersion);
        }).ToList();
    }

    /// <summary>Each tunnelled app's tunnel and the records of its hostnames (connectors are filled in from the workloads).</summary>
    private static async Task<IReadOnlyList<TunnelStatus>> TunnelsAsync(IWorld world, DesiredState desired, CancellationToken ct)
    {
        if (desired.Tunnels.Count == 0) return [];
        return await Task.WhenAll(desired.Tunnels.Select(async t =>
        {
            var tunnel = await world.Cloudflare.FindTunnelAsync(t.TunnelName, ct);
            var records = await Task.WhenAll(t.Hostnames.Select(async h =>
            {
                var zone = await world.Cloudflare.FindZoneForHostnameAsync(h, ct);
                var record = zone is null ? null : (await world.Cloudflare.ListDnsRecordsAsync(zone, h, ct)).FirstOrDefault();
                var target = record?.Content.TrimEnd('.');
                return new DnsStatus(h, record?.Type, target, record?.Proxied ?? false,
                    tunnel is not null && string.Equals(target, tunnel.CnameTarget, StringComparison.OrdinalIgnoreCase));
            }));
            return new TunnelStatus(t.Service, t.TunnelName, tunnel?.Id, 0, 0, records);
        }));
    }
}
