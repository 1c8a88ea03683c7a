using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Kubernetes;

/// <summary>
/// Server-side apply field ownership, tracked per manager at the granularity of top-level fields of each
/// section (<c>spec.replicas</c>, <c>spec.template</c>, <c>data.KEY</c>, <c>metadata.labels.KEY</c>) and
/// written back as real <c>metadata.managedFields</c> (FieldsV1).
/// </summary>
internal static class FieldOwnership
{
    private const char Sep = '\u001f';
    private static readonly HashSet<string> Unowned = ["apiVersion", "kind", "metadata", "status"];

    public sealed record Conflict(string Manager, string Field);

    public static HashSet<string> Paths(JsonObject obj)
    {
        var paths = new HashSet<string>();
        foreach (var (key, value) in obj)
        {
            if (Unowned.Contains(key)) continue;
            if (value is JsonObject child && child.Count > 0) foreach (var (k, _) in child) paths.Add(key + Sep + k);
            else paths.Add(key);
        }
        if (obj["metadata"] is JsonObject meta)
            foreach (var section in new[] { "labels", "annotations" })
                if (meta[section] is JsonObject m) foreach (var (k, _) in m) paths.Add("metadata" + Sep + section + Sep + k);
        return paths;
    }

    public static string Display(string path) => "." + string.Join('.', path.Split(Sep));

    public static JsonNode? Get(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var p in path.Split(Sep)) node = (node as JsonObject)?[p];
        return node;
    }

    public static void Set(JsonObject obj, string path, JsonNode? value)
    {
        var parts = path.Split(Sep);
        var node = obj;
        foreach (var p in parts[..^1])
        {
            if (node[p] is not JsonObject next) { next = new JsonObject(); node[p] = next; }
            node = next;
        }
        node[parts[^1]] = value?.DeepClone();
    }

    public static void Remove(JsonObject obj, string path)
    {
        var parts = path.Split(Sep);
        JsonObject? node = obj;
        foreach (var p in parts[..^1]) node = node?[p] as JsonObject;
        node?.Remove(parts[^1]);
    }

    /// <summary>Owned paths per (manager, operation), read from metadata.managedFields.</summary>
    public static List<(string Manager, string Operation, string ApiVersion, string Time, HashSet<string> Paths)> Read(JsonObject obj)
    {
        var result = new List<(string, string, string, string, HashSet<string>)>();
        if (obj["metadata"]?["managedFields"] is not JsonArray entries) return result;
        foreach (var e in entries.OfType<JsonObject>())
        {
            var paths = new HashSet<string>();
            Flatten(e["fieldsV1"] as JsonObject, "", paths);
            result.Add((e["manager"]?.ToString() ?? "", e["operation"]?.ToString() ?? "Update", e["apiVersion"]?.ToString() ?? "", e["time"]?.ToString() ?? "", paths));
        }
        return result;
    }

    private static void Flatten(JsonObject? fields, string prefix, HashSet<string> into)
    {
        if (fields is null) return;
        foreach (var (key, value) in fields)
        {
            if (!key.StartsWith("f:")) continue;
            var path = prefix.Length == 0 ? key[2..] : prefix + Sep + key[2..];
            if (value is JsonObject child && child.Any(p => p.Key.StartsWith("f:"))) Flatten(child, path, into);
            else into.Add(path);
        }
    }

    public static void Write(JsonObject obj, List<(string Manager, string Operation, string ApiVersion, string Time, HashSet<string> Paths)> owners)
    {
        var array = new JsonArray();
        foreach (var (manager, op, apiVersion, time, paths) in owners.Where(o => o.Paths.Count > 0))
        {
            var fields = new JsonObject();
            foreach (var path in paths.Order(StringComparer.Ordinal))
            {
                var node = fields;
                foreach (var p in path.Split(Sep))
                {
                    if (node["f:" + p] is not JsonObject next) { next = new JsonObject(); node["f:" + p] = next; }
                    node = next;
                }
            }
            array.Add(new JsonObject
            {
                ["manager"] = manager, ["operation"] = op, ["apiVersion"] = apiVersion, ["time"] = time,
                ["fieldsType"] = "FieldsV1", ["fieldsV1"] = fields,
            });
        }
        ((JsonObject)obj["metadata"]!)["managedFields"] = array;
    }

    /// <summary>
    /// Applies <paramref name="applied"/> as <paramref name="manager"/> onto <paramref name="live"/> (changed in place).
    /// Returns the conflicts (and changes nothing) when another manager owns a field set to a different value and force is off.
    /// </summary>
    public static List<Conflict> Apply(JsonObject live, JsonObject applied, string manager, bool force, string time)
    {
        var owners = Read(live);
        var newPaths = Paths(applied);
        var conflicts = new List<Conflict>();
        foreach (var path in newPaths)
            foreach (var owner in owners.Where(o => o.Manager != manager && o.Paths.Contains(path)))
                if (!JsonNode.DeepEquals(Get(live, path), Get(applied, path)))
                    conflicts.Add(new Conflict(owner.Manager, Display(path)));
        if (conflicts.Count > 0 && !force) return conflicts;
        if (force)
            foreach (var owner in owners.Where(o => o.Manager != manager))
                owner.Paths.RemoveWhere(p => newPaths.Contains(p) && !JsonNode.DeepEquals(Get(live, p), Get(applied, p)));

        var mine = owners.FindIndex(o => o.Manager == manager && o.Operation == "Apply");
        var previous = mine >= 0 ? owners[mine].Paths : [];
        foreach (var path in previous.Except(newPaths))
            if (!owners.Any(o => o.Manager != manager && o.Paths.Contains(path))) Remove(live, path);
        foreach (var path in newPaths) Set(live, path, Get(applied, path));
        var entry = (manager, "Apply", applied["apiVersion"]?.ToString() ?? "", time, newPaths);
        if (mine >= 0) owners[mine] = entry; else owners.Add(entry);
        Write(live, owners);
        return [];
    }

    /// <summary>An Update (create, replace, merge patch): the manager takes the fields it changed from everyone else.</summary>
    public static void RecordUpdate(JsonObject? before, JsonObject after, string manager, string time)
    {
        var owners = before is null ? [] : Read(before);
        var changed = Paths(after).Where(p => before is null || !JsonNode.DeepEquals(Get(before, p), Get(after, p))).ToHashSet();
        var removed = before is null ? [] : Paths(before).Except(Paths(after)).ToHashSet();
        foreach (var o in owners) { o.Paths.ExceptWith(changed); o.Paths.ExceptWith(removed); }
        if (changed.Count > 0)
        {
            var mine = owners.FindIndex(o => o.Manager == manager && o.Operation == "Update");
            if (mine >= 0) owners[mine].Paths.UnionWith(changed);
            else owners.Add((manager, "Update", after["apiVersion"]?.ToString() ?? "", time, changed));
        }
        Write(after, owners);
    }
}
