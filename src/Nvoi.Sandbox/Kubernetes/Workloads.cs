using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Kubernetes;

/// <summary>
/// The controllers the emulator simulates: Deployment → ReplicaSet → Pods, StatefulSet → Pods (+ PVCs),
/// Job → Pod, and the kubelet's view of each pod (started, ready, crash-looping, failed).
/// Runs under the emulator's lock after every change, until nothing more changes.
/// </summary>
internal sealed partial class Workloads(KubeStore store, KubeSettings settings, Action<string, string> scheduleStart)
{
    private static readonly ResourceType Pods = ResourceTypes.ByKind("Pod");
    private static readonly ResourceType ReplicaSets = ResourceTypes.ByKind("ReplicaSet");
    private static readonly ResourceType Deployments = ResourceTypes.ByKind("Deployment");
    private static readonly ResourceType StatefulSets = ResourceTypes.ByKind("StatefulSet");
    private static readonly ResourceType Jobs = ResourceTypes.ByKind("Job");
    private static readonly ResourceType Pvcs = ResourceTypes.ByKind("PersistentVolumeClaim");
    private static readonly ResourceType Events = ResourceTypes.ByKind("Event");
    private static readonly ResourceType Nodes = ResourceTypes.ByKind("Node");

    public void Reconcile()
    {
        for (var round = 0; round < 20; round++)
        {
            var before = store.ResourceVersion;
            foreach (var d in store.List(Deployments).ToList()) Deployment(d);
            foreach (var rs in store.List(ReplicaSets).ToList()) ReplicaSet(rs);
            foreach (var s in store.List(StatefulSets).ToList()) StatefulSet(s);
            foreach (var j in store.List(Jobs).ToList()) Job(j);
            CollectOrphans();
            if (store.ResourceVersion == before) return;
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static string Ns(JsonObject o) => o["metadata"]!["namespace"]!.ToString();
    private static string Name(JsonObject o) => o["metadata"]!["name"]!.ToString();
    private static string Uid(JsonObject o) => o["metadata"]!["uid"]!.ToString();
    private static int Int(JsonNode? n, int fallback) => n is JsonValue v && int.TryParse(v.ToJsonString(), out var i) ? i : fallback;

    public static string Hash(JsonNode? node, int length = 10)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(node?.ToJsonString() ?? ""));
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return new string(bytes.Take(length).Select(b => alphabet[b % alphabet.Length]).ToArray());
    }

    private string Suffix(string seed) => Hash(JsonValue.Create($"{seed}/{++store.Counter}"), 5);

    private IEnumerable<JsonObject> Owned(ResourceType t, JsonObject owner) =>
        store.List(t, Ns(owner)).Where(o => o["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => r?["uid"]?.ToString() == Uid(owner)));

    private static JsonArray OwnerRef(JsonObject owner) => new(new JsonObject
    {
        ["apiVersion"] = owner["apiVersion"]!.ToString(), ["kind"] = owner["kind"]!.ToString(), ["name"] = Name(owner),
        ["uid"] = Uid(owner), ["controller"] = true, ["blockOwnerDeletion"] = true,
    });

    /// <summary>Sets the status and stores the object only when the status really changed.</summary>
    private void SetStatus(ResourceType t, JsonObject obj, JsonObject status)
    {
        if (JsonNode.DeepEquals(obj["status"], status)) return;
        obj["status"] = status;
        store.Put(t, obj);
    }

    public JsonObject NewMeta(string ns, string name, JsonObject? labels)
    {
        var meta = new JsonObject
        {
            ["name"] = name, ["namespace"] = ns, ["uid"] = Guid.NewGuid().ToString(), ["creationTimestamp"] = store.Now(), ["generation"] = 1,
        };
        if (labels is not null) meta["labels"] = labels.DeepClone();
        return meta;
    }

    public void Event(JsonObject involved, string type, string reason, string message, string component = "kubelet")
    {
        var ns = Ns(involved);
        var name = $"{Name(involved)}.{++store.Counter:x12}";
        var now = store.Now();
        store.Put(Events, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = Guid.NewGuid().ToString(), ["creationTimestamp"] = now },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = involved["kind"]!.ToString(), ["namespace"] = ns, ["name"] = Name(involved), ["uid"] = Uid(involved),
                ["apiVersion"] = involved["apiVersion"]!.ToString(),
            },
            ["reason"] = reason, ["message"] = message, ["type"] = type, ["count"] = 1,
            ["firstTimestamp"] = now, ["lastTimestamp"] = now,
            ["source"] = new JsonObject { ["component"] = component }, ["reportingComponent"] = component,
        });
    }

    private void CollectOrphans()
    {
        var uids = store.All.Select(e => e.Obj["metadata"]?["uid"]?.ToString()).Where(u => u is not null).ToHashSet();
        foreach (var (t, o) in store.All.ToList())
            if (o["metadata"]?["ownerReferences"] is JsonArray refs && refs.Count > 0 && refs.All(r => !uids.Contains(r?["uid"]?.ToString())))
                store.Delete(t, Ns(o), Name(o));
    }
}
