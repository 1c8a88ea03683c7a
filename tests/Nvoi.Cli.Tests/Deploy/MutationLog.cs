using System.Collections.Concurrent;
using Nvoi.Operations;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>
/// The emulators' log of answered requests that may change something, read as the creates, updates and deletes
/// of named resources ("create server", "update deployment", "delete job"), to hold against a plan. A
/// server-side apply is a create when it answers 201 and an update when it answers 200: the deploy sends none
/// for an object the plan found up to date.
/// </summary>
public sealed class MutationLog
{
    private readonly ConcurrentQueue<MutatingRequest> _requests = new();

    public SandboxSettings Settings(SandboxSettings? settings = null) => (settings ?? new SandboxSettings()) with { OnMutation = _requests.Enqueue };

    public IReadOnlyList<MutatingRequest> Requests => [.. _requests];

    public void Clear() => _requests.Clear();

    /// <summary>Every successful create and delete, as "action kind", sorted.</summary>
    public IReadOnlyList<string> CreatesAndDeletes() => Changes().Where(c => !c.StartsWith("update ", StringComparison.Ordinal)).ToList();

    /// <summary>Every successful create, update and delete, as "action kind", sorted.</summary>
    public IReadOnlyList<string> Changes()
    {
        var done = _requests.Where(r => r.Status is >= 200 and < 300).ToList();
        // A drain cordons its node before deleting it: that patch is part of the node's delete.
        var deletedNodes = done.Where(r => r.Emulator == "kubernetes" && r.Method == "DELETE" && NodeName(r) is not null).Select(NodeName).ToHashSet();
        // Deleting a Hetzner server first takes it out of its firewall and powers it off: actions of that delete.
        var serverDeleted = done.Any(r => Classify(r) == "delete server");
        return done.Where(r => !(r.Method == "PATCH" && NodeName(r) is { } node && deletedNodes.Contains(node)))
            .Where(r => !(serverDeleted && IsServerOrFirewallAction(r)))
            .Select(Classify).OfType<string>().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Any successful create of anything (a server action or an apply that updated counts as no create).</summary>
    public IReadOnlyList<MutatingRequest> Creates() =>
        _requests.Where(r => r.Status is >= 200 and < 300 && Classify(r)?.StartsWith("create ", StringComparison.Ordinal) == true).ToList();

    /// <summary>The plan's creates and deletes of resources an API holds, in the same words, sorted.</summary>
    public static IReadOnlyList<string> Planned(Plan plan) => PlannedChanges(plan).Where(c => !c.StartsWith("update ", StringComparison.Ordinal)).ToList();

    /// <summary>The plan's creates, updates and deletes of resources an API holds, in the log's words, sorted.</summary>
    public static IReadOnlyList<string> PlannedChanges(Plan plan) =>
        plan.Actions
            .Where(a => a.IsChange && ApiKinds.Contains(a.Kind))
            .SelectMany(a => Words(a))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<string> Words(PlannedAction a)
    {
        var action = a.Action.ToString().ToLowerInvariant();
        // The history ConfigMap is created like any ConfigMap (the path of a create names no object).
        if (a.Kind == "deploy history") yield return a.Action == PlanActionKind.Create ? "create configmap" : "update deploy history";
        else yield return $"{action} {a.Kind}";
        // A new volume is attached to its server after the create.
        if (a.Kind == "volume" && a.Action == PlanActionKind.Create) yield return "update volume";
    }

    private static readonly HashSet<string> ApiKinds =
    [
        "network", "firewall", "server", "volume", "tunnel", "tunnel config", "dns record", "k3s node", "deploy history",
        "secret", "configmap", "service", "deployment", "statefulset", "job", "cronjob", "ingress", "middleware",
    ];

    private static bool IsServerOrFirewallAction(MutatingRequest r) =>
        r.Emulator == "hetzner" && r.Path.Trim('/').Split('/') is [_, "servers" or "firewalls", _, "actions", _];

    private static string? NodeName(MutatingRequest r)
    {
        var segs = r.Path.Trim('/').Split('/');
        return r.Emulator == "kubernetes" && segs.Length == 4 && segs[0] == "api" && segs[2] == "nodes" ? segs[3] : null;
    }

    private static string? Classify(MutatingRequest r)
    {
        var segs = r.Path.Trim('/').Split('/');
        var delete = r.Method is "DELETE";
        var update = r.Method is "PUT" || (r.Method is "PATCH" && r.Status != 201);
        switch (r.Emulator)
        {
            case "hetzner":
                // /v1/servers (create), /v1/servers/ID (update, delete), /v1/servers/ID/actions/… (an update: attach, detach)
                var kind = segs.Length >= 2 ? segs[1].TrimEnd('s') : "";
                return segs.Length switch
                {
                    2 when r.Method == "POST" => $"create {kind}",
                    3 when delete => $"delete {kind}",
                    3 when update => $"update {kind}",
                    5 when segs[3] == "actions" => $"update {kind}",
                    _ => null,
                };
            case "cloudflare":
                var last = segs[^1];
                if (last == "cfd_tunnel" && r.Method == "POST") return "create tunnel";
                if (segs.Length >= 2 && segs[^2] == "cfd_tunnel" && delete) return "delete tunnel";
                if (last == "configurations" && r.Method == "PUT") return "update tunnel config";
                if (last == "dns_records" && r.Method == "POST") return "create dns record";
                if (segs.Length >= 2 && segs[^2] == "dns_records") return delete ? "delete dns record" : update ? "update dns record" : null;
                return null; // a tunnel's connections cleaned up before its delete
            case "kubernetes":
                // /api/v1/[namespaces/NS/]PLURAL/NAME or /apis/GROUP/VERSION/[namespaces/NS/]PLURAL/NAME
                var create = r.Method is "POST" || (r.Method is "PATCH" && r.Status == 201);
                var rest = segs[0] == "api" ? segs[2..] : segs[3..];
                if (rest.Length >= 2 && rest[0] == "namespaces") rest = rest[2..];
                if (rest.Length != (create && r.Method == "POST" ? 1 : 2)) return null; // subresources are neither
                var plural = rest[0];
                if (plural == "pods") return null; // a drain's evictions: the pods' controllers replace them
                if (plural == "configmaps" && rest[1] == Nvoi.Cluster.DeployHistory.ConfigMapName && update) return "update deploy history";
                var k = plural switch { "nodes" => "k3s node", "ingresses" => "ingress", _ => plural.TrimEnd('s') };
                return create ? $"create {k}" : delete ? $"delete {k}" : update ? $"update {k}" : null;
            default:
                return null;
        }
    }
}
