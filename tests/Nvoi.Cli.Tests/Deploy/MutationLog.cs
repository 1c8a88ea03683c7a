using System.Collections.Concurrent;
using Nvoi.Operations;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>
/// The emulators' log of answered requests that may change something, read as the creates and deletes of
/// named resources ("create server", "delete job"), to hold against a plan. Updates are left out: an apply
/// of an unchanged object and one of a changed object look alike on the wire.
/// </summary>
public sealed class MutationLog
{
    private readonly ConcurrentQueue<MutatingRequest> _requests = new();

    public SandboxSettings Settings(SandboxSettings? settings = null) => (settings ?? new SandboxSettings()) with { OnMutation = _requests.Enqueue };

    public IReadOnlyList<MutatingRequest> Requests => [.. _requests];

    public void Clear() => _requests.Clear();

    /// <summary>Every successful create and delete, as "action kind", sorted.</summary>
    public IReadOnlyList<string> CreatesAndDeletes() =>
        _requests.Where(r => r.Status is >= 200 and < 300).Select(Classify).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>Any successful create of anything (a server action or an apply that updated counts as no create).</summary>
    public IReadOnlyList<MutatingRequest> Creates() =>
        _requests.Where(r => r.Status is >= 200 and < 300 && Classify(r)?.StartsWith("create ", StringComparison.Ordinal) == true).ToList();

    /// <summary>The plan's creates and deletes of resources an API holds, in the same words, sorted.</summary>
    public static IReadOnlyList<string> Planned(Plan plan) =>
        plan.Actions
            .Where(a => a.Action is PlanActionKind.Create or PlanActionKind.Delete && ApiKinds.Contains(a.Kind))
            .Select(a => $"{(a.Action == PlanActionKind.Create ? "create" : "delete")} {a.Kind}")
            .Order(StringComparer.Ordinal)
            .ToList();

    private static readonly HashSet<string> ApiKinds =
    [
        "network", "firewall", "server", "volume", "tunnel", "dns record", "k3s node",
        "secret", "configmap", "service", "deployment", "statefulset", "job", "ingress", "middleware",
    ];

    private static string? Classify(MutatingRequest r)
    {
        var segs = r.Path.Trim('/').Split('/');
        var create = r.Method is "POST" || (r.Method is "PATCH" && r.Status == 201);
        var delete = r.Method is "DELETE";
        switch (r.Emulator)
        {
            case "hetzner":
                // /v1/servers (create), /v1/servers/ID (delete), /v1/servers/ID/actions/… (neither)
                if (segs.Length < 2 || segs.Length > 3) return null;
                var kind = segs[1].TrimEnd('s');
                return segs.Length == 2 && r.Method == "POST" ? $"create {kind}" : segs.Length == 3 && delete ? $"delete {kind}" : null;
            case "cloudflare":
                var last = segs[^1];
                if (last == "cfd_tunnel" && r.Method == "POST") return "create tunnel";
                if (segs.Length >= 2 && segs[^2] == "cfd_tunnel" && delete) return "delete tunnel";
                if (last == "dns_records" && r.Method == "POST") return "create dns record";
                if (segs.Length >= 2 && segs[^2] == "dns_records" && delete) return "delete dns record";
                return null;
            case "kubernetes":
                // /api/v1/[namespaces/NS/]PLURAL/NAME or /apis/GROUP/VERSION/[namespaces/NS/]PLURAL/NAME
                var rest = segs[0] == "api" ? segs[2..] : segs[3..];
                if (rest.Length >= 2 && rest[0] == "namespaces") rest = rest[2..];
                if (rest.Length != (create && r.Method == "POST" ? 1 : 2)) return null; // subresources are neither
                var plural = rest[0];
                if (plural == "pods") return null; // a drain's evictions: the pods' controllers replace them
                var k = plural switch { "nodes" => "k3s node", "ingresses" => "ingress", _ => plural.TrimEnd('s') };
                return create ? $"create {k}" : delete ? $"delete {k}" : null;
            default:
                return null;
        }
    }
}
