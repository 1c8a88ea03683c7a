using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Nvoi.Sandbox.Kubernetes;

public sealed partial class KubernetesEmulator
{
    private async Task PatchAsync(HttpContext ctx, Target t, JsonObject? body)
    {
        if (body is null) { await WriteStatus(ctx, 400, "BadRequest", "the request body is empty"); return; }
        var contentType = ctx.Request.ContentType?.Split(';')[0].Trim() ?? "";
        if (contentType == "application/apply-patch+yaml") { await ApplyAsync(ctx, t, body); return; }
        if (contentType is not ("application/merge-patch+json" or "application/strategic-merge-patch+json"))
        {
            await WriteStatus(ctx, 415, "UnsupportedMediaType", $"the sandbox does not support patch type {contentType}");
            return;
        }
        JsonObject? result = null;
        lock (_lock)
        {
            if (_store.Get(t.Type, t.Namespace, t.Name!) is { } existing)
            {
                result = Merge(existing, body, t.Subresource == "status", replace: false);
                Defaults(t.Type, result);
                FieldOwnership.RecordUpdate(existing, result, Manager(ctx, "unknown"), _store.Now());
                _store.Put(t.Type, result);
                _workloads.Reconcile();
                result = (JsonObject)result.DeepClone();
            }
        }
        if (result is null) { await NotFound(ctx, t.Type, t.Name!); return; }
        Signal();
        await WriteJson(ctx, 200, result);
    }

    /// <summary>Server-side apply: creates or merges by field ownership; 409 on a conflict unless <c>force=true</c>.</summary>
    private async Task ApplyAsync(HttpContext ctx, Target t, JsonObject body)
    {
        var manager = ctx.Request.Query["fieldManager"].ToString();
        if (manager.Length == 0) { await WriteStatus(ctx, 400, "BadRequest", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"); return; }
        if (body["metadata"]?["name"]?.ToString() is { } bodyName && bodyName != t.Name)
        {
            await WriteStatus(ctx, 400, "BadRequest", $"the name of the object ({bodyName}) does not match the name on the URL ({t.Name})");
            return;
        }
        if ((body["kind"]?.ToString() is { } kind && kind != t.Type.Kind) || (body["apiVersion"]?.ToString() is { } av && av != t.Type.GroupVersion))
        {
            await WriteStatus(ctx, 400, "BadRequest", $"the body's apiVersion/kind ({body["apiVersion"]}/{body["kind"]}) does not match the URL ({t.Type.GroupVersion}/{t.Type.Kind})");
            return;
        }
        body = (JsonObject)body.DeepClone();
        NormalizeSecret(t.Type, body);
        var force = ctx.Request.Query["force"].ToString() is "true" or "1";
        var ns = ResolveNamespace(t, null);
        List<FieldOwnership.Conflict>? conflicts = null;
        JsonObject? result = null;
        var created = false;
        string? invalid = null;
        lock (_lock)
        {
            if (NamespaceExists(ns))
            {
                var existing = _store.Get(t.Type, ns, t.Name!);
                created = existing is null;
                var live = existing is null ? NewObject(t.Type, ns, t.Name!, null) : (JsonObject)existing.DeepClone();
                if (existing is null) Meta(live)["managedFields"] = new JsonArray();
                conflicts = FieldOwnership.Apply(live, body, manager, force, _store.Now());
                invalid = conflicts.Count == 0 ? Validation.Check(t.Type, live) ?? (existing is null ? null : Validation.CheckUpdate(t.Type, existing, live)) : null;
                if (conflicts.Count == 0 && invalid is null)
                {
                    Defaults(t.Type, live);
                    if (existing is not null) BumpGeneration(existing, live);
                    if (existing is null || !JsonNode.DeepEquals(existing, live))
                    {
                        _store.Put(t.Type, live);
                        if (created && t.Type.Kind == "Pod") StartBarePod(live);
                        _workloads.Reconcile();
                    }
                    result = (JsonObject)live.DeepClone();
                }
            }
        }
        if (conflicts is null) { await WriteStatus(ctx, 404, "NotFound", $"namespaces \"{ns}\" not found"); return; }
        if (invalid is not null) { await Invalid(ctx, t, invalid); return; }
        if (conflicts.Count > 0)
        {
            var causes = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
            {
                ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with \"{c.Manager}\"", ["field"] = c.Field,
            }).ToArray());
            var detail = string.Join("\n", conflicts.Select(c => $"- conflict with \"{c.Manager}\": {c.Field}"));
            var message = conflicts.Count == 1
                ? $"Apply failed with 1 conflict: conflict with \"{conflicts[0].Manager}\": {conflicts[0].Field}"
                : $"Apply failed with {conflicts.Count} conflicts: conflicts with \"{conflicts[0].Manager}\":\n{detail}";
            await WriteStatus(ctx, 409, "Conflict", message, new JsonObject { ["causes"] = causes });
            return;
        }
        Signal();
        await WriteJson(ctx, created ? 201 : 200, result!);
    }

    private async Task DeleteAsync(HttpContext ctx, Target t, JsonObject? body)
    {
        if (t.Name is null)
        {
            JsonObject list;
            lock (_lock)
            {
                var victims = Matching(t, ctx.Request.Query);
                foreach (var v in victims) _store.Delete(t.Type, v["metadata"]?["namespace"]?.ToString(), v["metadata"]!["name"]!.ToString());
                _workloads.Reconcile();
                list = new JsonObject
                {
                    ["kind"] = t.Type.Kind + "List", ["apiVersion"] = t.Type.GroupVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = _store.ResourceVersion.ToString() },
                    ["items"] = new JsonArray(victims.Select(v => (JsonNode)v).ToArray()),
                };
            }
            Signal();
            await WriteJson(ctx, 200, list);
            return;
        }
        JsonObject? deleted;
        lock (_lock)
        {
            deleted = _store.Delete(t.Type, t.Namespace, t.Name);
            if (deleted is not null && t.Type.Kind == "Namespace")
                foreach (var (type, o) in _store.All.Where(e => e.Type.Namespaced && e.Obj["metadata"]?["namespace"]?.ToString() == t.Name).ToList())
                    _store.Delete(type, t.Name, o["metadata"]!["name"]!.ToString());
            if (deleted is not null) _workloads.Reconcile();
        }
        if (deleted is null) { await NotFound(ctx, t.Type, t.Name); return; }
        Signal();
        await WriteJson(ctx, 200, deleted.DeepClone());
    }
}
