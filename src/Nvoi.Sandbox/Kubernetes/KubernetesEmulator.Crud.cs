using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Nvoi.Sandbox.Kubernetes;

public sealed partial class KubernetesEmulator
{
    private static readonly string[] SystemMeta = ["uid", "creationTimestamp", "generation", "resourceVersion", "managedFields", "namespace", "name", "ownerReferences", "deletionTimestamp"];

    private static JsonObject Meta(JsonObject o) => (JsonObject)(o["metadata"] ??= new JsonObject());

    private string? ResolveNamespace(Target t, JsonObject? body) =>
        !t.Type.Namespaced ? null : t.Namespace ?? body?["metadata"]?["namespace"]?.ToString() ?? "default";

    private bool NamespaceExists(string? ns) => ns is null || _store.Get(ResourceTypes.ByKind("Namespace"), null, ns) is not null;

    private async Task GetAsync(HttpContext ctx, Target t)
    {
        JsonNode? obj;
        lock (_lock) obj = _store.Get(t.Type, t.Namespace, t.Name!)?.DeepClone();
        if (obj is null) await NotFound(ctx, t.Type, t.Name!);
        else await WriteJson(ctx, 200, obj);
    }

    private List<JsonObject> Matching(Target t, IQueryCollection q)
    {
        var labels = Selectors.Labels(q["labelSelector"]);
        var fields = Selectors.Fields(q["fieldSelector"]);
        return _store.List(t.Type, t.Namespace).Where(o => labels(o) && fields(o)).Select(o => (JsonObject)o.DeepClone()).ToList();
    }

    private async Task ListAsync(HttpContext ctx, Target t)
    {
        JsonObject list;
        lock (_lock)
            list = new JsonObject
            {
                ["kind"] = t.Type.Kind + "List", ["apiVersion"] = t.Type.GroupVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = _store.ResourceVersion.ToString() },
                ["items"] = new JsonArray(Matching(t, ctx.Request.Query).Select(o => (JsonNode)o).ToArray()),
            };
        await WriteJson(ctx, 200, list);
    }

    /// <summary>Fills what the API server sets on a new object; returns the object to store.</summary>
    private JsonObject NewObject(ResourceType type, string? ns, string name, JsonObject? from)
    {
        var obj = (JsonObject)(from?.DeepClone() ?? new JsonObject());
        var meta = Meta(obj);
        foreach (var k in new[] { "uid", "resourceVersion", "managedFields", "creationTimestamp", "generation" }) meta.Remove(k);
        meta["name"] = name;
        if (ns is not null) meta["namespace"] = ns; else meta.Remove("namespace");
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = _store.Now();
        meta["generation"] = 1;
        obj["apiVersion"] = type.GroupVersion;
        obj["kind"] = type.Kind;
        if (type.HasStatus) obj.Remove("status");
        Defaults(type, obj);
        return obj;
    }

    /// <summary>As the API server: a Secret's stringData is merged into data (base64) and never stored.</summary>
    internal static void NormalizeSecret(ResourceType type, JsonObject obj)
    {
        if (type.Kind != "Secret" || obj["stringData"] is not JsonObject strings) return;
        var data = obj["data"] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in strings) data[k] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(v?.ToString() ?? ""));
        obj["data"] = data;
        obj.Remove("stringData");
    }

    /// <summary>The defaults the API server fills in that clients rely on (owned by no manager).</summary>
    private void Defaults(ResourceType type, JsonObject obj)
    {
        NormalizeSecret(type, obj);
        if (obj["spec"] is JsonObject s)
        {
            if (type.Kind == "StatefulSet")
            {
                s["updateStrategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["partition"] = 0 } };
                s["podManagementPolicy"] ??= "OrderedReady";
                s["revisionHistoryLimit"] ??= 10;
            }
            if (type.Kind == "Deployment")
            {
                s["strategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxSurge"] = "25%", ["maxUnavailable"] = "25%" } };
                s["revisionHistoryLimit"] ??= 10;
                s["progressDeadlineSeconds"] ??= 600;
            }
            if (type.Kind == "CronJob")
            {
                s["concurrencyPolicy"] ??= "Allow";
                s["suspend"] ??= false;
                s["successfulJobsHistoryLimit"] ??= 3;
                s["failedJobsHistoryLimit"] ??= 1;
            }
            if (type.Kind == "Job")
            {
                s["backoffLimit"] ??= 6;
                s["completions"] ??= 1;
                s["parallelism"] ??= 1;
            }
        }
        if (type.Kind == "Service" && obj["spec"] is JsonObject spec && spec["clusterIP"] is null)
            spec["clusterIP"] = $"10.43.{(_store.Counter / 250) % 250}.{(++_store.Counter % 250) + 2}";
        if (type.Kind == "Namespace") obj["status"] = new JsonObject { ["phase"] = "Active" };
    }

    private static void BumpGeneration(JsonObject? before, JsonObject after)
    {
        var gen = before?["metadata"]?["generation"] is JsonValue g && long.TryParse(g.ToJsonString(), out var v) ? v : 1;
        Meta(after)["generation"] = before is not null && !JsonNode.DeepEquals(before["spec"], after["spec"]) ? gen + 1 : gen;
    }

    private async Task CreateAsync(HttpContext ctx, Target t, JsonObject? body)
    {
        if (body is null) { await WriteStatus(ctx, 400, "BadRequest", "the request body is empty"); return; }
        var ns = ResolveNamespace(t, body);
        var name = body["metadata"]?["name"]?.ToString();
        if (string.IsNullOrEmpty(name) && body["metadata"]?["generateName"]?.ToString() is { Length: > 0 } prefix)
            name = prefix + Workloads.Hash(JsonValue.Create(Guid.NewGuid().ToString()), 5);
        if (string.IsNullOrEmpty(name)) { await WriteStatus(ctx, 422, "Invalid", $"{t.Type.Kind} is invalid: metadata.name: Required value"); return; }
        JsonObject created;
        lock (_lock)
        {
            if (!NamespaceExists(ns)) { created = null!; }
            else if (_store.Get(t.Type, ns, name) is not null) { created = new JsonObject(); }
            else if (Validation.Check(t.Type, NewObject(t.Type, ns, name, body)) is { } problem) { created = new JsonObject { ["invalid"] = problem }; }
            else
            {
                created = NewObject(t.Type, ns, name, body);
                FieldOwnership.RecordUpdate(null, created, Manager(ctx, "unknown"), _store.Now());
                _store.Put(t.Type, created);
                if (t.Type.Kind == "Pod") StartBarePod(created);
                _workloads.Reconcile();
                created = (JsonObject)created.DeepClone();
            }
        }
        if (created is null) { await WriteStatus(ctx, 404, "NotFound", $"namespaces \"{ns}\" not found"); return; }
        if (created["invalid"] is { } why) { await Invalid(ctx, t, why.ToString(), name); return; }
        if (created.Count == 0) { await WriteStatus(ctx, 409, "AlreadyExists", $"{t.Type.Qualified} \"{name}\" already exists", new JsonObject { ["name"] = name, ["group"] = t.Type.Group, ["kind"] = t.Type.Plural }); return; }
        Signal();
        await WriteJson(ctx, 201, created);
    }

    private static Task Invalid(HttpContext ctx, Target t, string problem, string? name = null) =>
        WriteStatus(ctx, 422, "Invalid", $"{t.Type.Kind}{(t.Type.Group.Length > 0 ? "." + t.Type.Group : "")} \"{name ?? t.Name}\" is invalid: {problem}",
            new JsonObject { ["name"] = name ?? t.Name, ["group"] = t.Type.Group, ["kind"] = t.Type.Kind });

    private void StartBarePod(JsonObject pod)
    {
        ((JsonObject)pod["spec"]!)["nodeName"] ??= Workloads.SandboxNode;
        pod["status"] = new JsonObject { ["phase"] = "Pending" };
        _workloads.StartPod(pod);
    }

    private async Task ReplaceAsync(HttpContext ctx, Target t, JsonObject? body)
    {
        if (body is null) { await WriteStatus(ctx, 400, "BadRequest", "the request body is empty"); return; }
        JsonObject? result; string? conflict = null;
        lock (_lock)
        {
            var existing = _store.Get(t.Type, t.Namespace, t.Name!);
            result = null;
            if (existing is not null)
            {
                var rv = body["metadata"]?["resourceVersion"]?.ToString();
                if (!string.IsNullOrEmpty(rv) && rv != existing["metadata"]!["resourceVersion"]!.ToString())
                    conflict = $"Operation cannot be fulfilled on {t.Type.Qualified} \"{t.Name}\": the object has been modified; please apply your changes to the latest version and try again";
                else
                {
                    result = Merge(existing, body, t.Subresource == "status", replace: true);
                    Defaults(t.Type, result);
                    FieldOwnership.RecordUpdate(existing, result, Manager(ctx, "unknown"), _store.Now());
                    _store.Put(t.Type, result);
                    _workloads.Reconcile();
                    result = (JsonObject)result.DeepClone();
                }
            }
        }
        if (conflict is not null) { await WriteStatus(ctx, 409, "Conflict", conflict); return; }
        if (result is null) { await NotFound(ctx, t.Type, t.Name!); return; }
        Signal();
        await WriteJson(ctx, 200, result);
    }

    /// <summary>The new state for a replace or a merge patch: system metadata and (unless status) status are kept.</summary>
    private static JsonObject Merge(JsonObject existing, JsonObject body, bool statusOnly, bool replace)
    {
        var result = (JsonObject)existing.DeepClone();
        if (statusOnly)
        {
            result["status"] = replace ? body["status"]?.DeepClone() : MergePatch(result["status"], body["status"]);
            return result;
        }
        var patched = replace ? (JsonObject)body.DeepClone() : (JsonObject)MergePatch(result.DeepClone(), body)!;
        var meta = Meta(patched);
        foreach (var k in SystemMeta)
        {
            meta.Remove(k);
            if (existing["metadata"]?[k] is { } v) meta[k] = v.DeepClone();
        }
        patched["status"] = existing["status"]?.DeepClone();
        if (patched["status"] is null) patched.Remove("status");
        BumpGeneration(existing, patched);
        return patched;
    }

    /// <summary>RFC 7386 JSON merge patch (strategic merge patches are treated the same way: lists are replaced).</summary>
    internal static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (k, v) in p)
        {
            if (k.StartsWith("$")) continue;
            if (v is null) result.Remove(k);
            else result[k] = MergePatch(result[k], v);
        }
        return result;
    }
}
