using k8s;
using k8s.Models;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Credentials;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>The cluster's API through a forward from the master: closed with the run.</summary>
public sealed class ClusterAccess(IKubernetes client, IPortForward forward) : IAsyncDisposable
{
    public IKubernetes Client => client;

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await forward.DisposeAsync();
    }
}

/// <summary>k3s installed on the master (it registers with its group label).</summary>
public sealed record InstallK3sServer(DesiredServer Server, string Reason) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.Create, "k3s server", Server.Name, Reason)];
}

/// <summary>k3s joined on an agent (it registers with its group label).</summary>
public sealed record JoinK3sAgent(DesiredServer Server, string Reason) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.Create, "k3s agent", Server.Name, Reason)];
}

/// <summary>A node that was already there and does not carry its group label: labelled through the API.</summary>
public sealed record LabelNode(DesiredServer Server, string? Current) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() =>
        [new(PlanActionKind.Update, "k3s node", Server.Name, $"label {Names.NodeLabel}={Server.Group} ({(Current is null ? "not labelled" : $"now {Current}")})")];
}

/// <summary>k3s on every server: installed (master) or joined (agents) where it is not active; node labels where they differ.</summary>
internal static class K3sStep
{
    public static IEnumerable<PlannedChange> Plan(DesiredState desired, LiveState live)
    {
        foreach (var server in desired.Servers)
        {
            var role = server.IsMaster ? "k3s server" : "k3s agent";
            if (live.K3sActive.Contains(server.Name))
                yield return new Unchanged(new(PlanActionKind.None, role, server.Name, "active"));
            else
            {
                var reason = live.Servers.ContainsKey(server.Name) ? "not active" : "new server";
                yield return server.IsMaster ? new InstallK3sServer(server, reason) : new JoinK3sAgent(server, reason);
            }
        }
        // Installed or joined now, a node registers with its label; one already there is labelled when it differs.
        foreach (var server in desired.Servers.Where(s => live.K3sActive.Contains(s.Name)))
        {
            var current = live.NodeLabels?.GetValueOrDefault(server.Name);
            if (current != server.Group) yield return new LabelNode(server, current);
        }
    }
}

/// <summary>Step "k3s" (and "nodes"): the cluster, and its API for the steps after.</summary>
public sealed partial class Deployer
{
    // application.k3s.installer: the installer file (relative to the working directory) and its pin; null downloads get.k3s.io.
    private K3sInstaller? K3sInstaller()
    {
        if (_config.Application.K3s?.Installer is not { Path: { } path, Sha256: { } sha }) return null;
        var full = Path.GetFullPath(path, _options.WorkingDirectory);
        if (!File.Exists(full)) throw new Configuration.ConfigException("application.k3s.installer.path", $"no file at {full}");
        return new K3sInstaller(full, sha);
    }

    /// <summary>
    /// k3s on the master, then every worker joining at once while the API is forwarded; new nodes register
    /// with their group label, nodes that were already there are labelled through the API.
    /// </summary>
    private async Task<ClusterAccess> EnsureClusterAsync(Plan plan, IReadOnlyDictionary<string, ServerInfo> servers, Action<Task<ClusterAccess>> apiOpening,
        CancellationToken ct)
    {
        var master = servers[_desired.Master.Name];
        var masterHost = _world.Host(master);
        var installMaster = plan.ChangesOf<InstallK3sServer>().Any();
        var joins = plan.ChangesOf<JoinK3sAgent>().Select(j => j.Server.Name).ToHashSet();
        Task<ClusterAccess>? access = null;
        try
        {
            await _steps.RunAsync("k3s", null, $"k3s {K3s.Version}", async () =>
            {
                await _steps.RunAsync($"k3s:{master.Name}", "k3s", $"{master.Name} (server)", async () =>
                {
                    if (!installMaster)
                    {
                        // A cluster made by nvoi 0.2.0 runs without Traefik: enabled when planned.
                        await EnableTraefikAsync(plan, masterHost, ct);
                        return "active";
                    }
                    // The script itself does nothing on a server where k3s is active (a run killed after it).
                    var installed = await ServerSetup.InstallK3sServerAsync(masterHost, new K3sServer(PrivateIp(master), master.Name, K3s.Version)
                    {
                        NodeLabel = NodeLabel(_desired.Master.Group),
                        Installer = K3sInstaller(),
                    }, ct);
                    return installed ? "installed" : "active";
                });
                // The API is reached while the workers join (one after another in a sequential replay).
                if (!_options.Sequential) apiOpening(access = OpenClusterAsync(masterHost, ct));
                var workers = _desired.Servers.Where(s => !s.IsMaster).ToList();
                if (workers.Count > 0)
                {
                    var token = joins.Count > 0 ? await ServerSetup.ReadNodeTokenAsync(masterHost, ct) : "";
                    await AllAsync(workers, w => _steps.RunAsync($"k3s:{w.Name}", "k3s", $"{w.Name} (agent)", async () =>
                    {
                        if (!joins.Contains(w.Name)) return "active";
                        var server = servers[w.Name];
                        var host = _world.Host(server);
                        // Joining checks first that the agent is not active already (then the token is not sent).
                        var joined = await ServerSetup.JoinK3sAgentAsync(host, new K3sAgent(PrivateIp(master), token, PrivateIp(server), server.Name, K3s.Version)
                        {
                            NodeLabel = NodeLabel(w.Group),
                            Installer = K3sInstaller(),
                        }, ct);
                        return joined ? "joined" : "active";
                    }));
                }
                return null;
            });
            if (access is null) apiOpening(access = OpenClusterAsync(masterHost, ct));
            var cluster = await access;
            var unlabelled = plan.ChangesOf<LabelNode>().Select(l => l.Server).ToList();
            if (unlabelled.Count > 0)
                await _steps.RunAsync("nodes", null, "Label nodes by server group", async () =>
                {
                    await AllAsync(unlabelled, server => LabelNodeAsync(cluster.Client, server.Name, server.Group, ct));
                    return $"{unlabelled.Count} labelled";
                });
            return cluster;
        }
        catch
        {
            if (access is not null)
            {
                try { await (await access).DisposeAsync(); }
                catch (Exception) { /* the first error is the one reported */ }
            }
            throw;
        }
    }

    /// <summary>For a plan: each node's group label (a node without one maps to null).</summary>
    private static async Task<Dictionary<string, string?>> ReadNodeLabelsAsync(IKubernetes client, CancellationToken ct) =>
        (await client.CoreV1.ListNodeAsync(cancellationToken: ct)).Items.ToDictionary(n => n.Metadata.Name,
            n => n.Metadata.Labels?.TryGetValue(Names.NodeLabel, out var group) == true ? group : null);

    private static string NodeLabel(string group) => $"{Names.NodeLabel}={group}";

    private static string PrivateIp(ServerInfo server) =>
        server.PrivateIPv4 ?? throw new NvoiException($"server {server.Name} has no private IPv4 address yet; run the deploy again");

    private Task<ClusterAccess> OpenClusterAsync(IRemoteHost masterHost, CancellationToken ct) =>
        ClusterConnection.OpenAsync(_world, masterHost, ct);

    private async Task LabelNodeAsync(IKubernetes client, string node, string group, CancellationToken ct)
    {
        var deadline = _world.Time.GetUtcNow() + _options.RolloutTimeout;
        var patch = new V1Patch(new { metadata = new { labels = new Dictionary<string, string> { [Names.NodeLabel] = group } } }, V1Patch.PatchType.MergePatch);
        while (true)
        {
            try
            {
                await client.CoreV1.PatchNodeAsync(patch, node, cancellationToken: ct);
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                if (_world.Time.GetUtcNow() >= deadline)
                    throw new NvoiException($"node {node} did not register with the cluster within {_options.RolloutTimeout.TotalMinutes:0} minutes");
                await Task.Delay(TimeSpan.FromSeconds(2), _world.Time, ct);
            }
        }
    }
}
