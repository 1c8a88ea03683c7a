using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Nvoi.Operations.Deploy;

/// <summary>
/// Takes a node out of the cluster as <c>kubectl drain</c> then <c>kubectl delete node</c> would: cordoned
/// (no new pod lands there), its pods deleted so their controllers start them on the other nodes (DaemonSet
/// pods excepted: they belong to every node), then the Node object deleted. A node that is gone already is
/// not an error, so a scale-down killed halfway finishes when run again.
/// </summary>
public sealed class NodeDrainer(IKubernetes client, TimeProvider time, TimeSpan timeout)
{
    /// <summary>Drains and removes <paramref name="node"/>; returns how many pods were moved (null: no such node).</summary>
    public async Task<int?> RemoveAsync(string node, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.PatchNodeAsync(new V1Patch(new { spec = new { unschedulable = true } }, V1Patch.PatchType.MergePatch), node, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        var moved = await EvictAsync(node, ct);
        try
        {
            await client.CoreV1.DeleteNodeAsync(node, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { }
        return moved;
    }

    private async Task<int> EvictAsync(string node, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + timeout;
        var moved = new HashSet<string>();
        while (true)
        {
            var pods = (await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $"spec.nodeName={node}", cancellationToken: ct)).Items
                .Where(p => p.Metadata.OwnerReferences?.Any(o => o.Kind == "DaemonSet") != true)
                .ToList();
            if (pods.Count == 0) return moved.Count;
            var fresh = pods.Where(p => moved.Add($"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}")).ToList();
            if (fresh.Count > 0)
            {
                await Task.WhenAll(fresh.Select(async p =>
                {
                    try { await client.CoreV1.DeleteNamespacedPodAsync(p.Metadata.Name, p.Metadata.NamespaceProperty, cancellationToken: ct); }
                    catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { }
                }));
                continue; // look again at once: deleted pods are usually gone
            }
            // Every pod left was asked to stop: wait for them to terminate.
            if (time.GetUtcNow() >= deadline)
                throw new NvoiException($"node {node} still runs {string.Join(", ", pods.Select(p => p.Metadata.Name))} after {timeout.TotalMinutes:0} minutes of draining; run the deploy again");
            await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
        }
    }
}
