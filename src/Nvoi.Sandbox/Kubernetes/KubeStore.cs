using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Kubernetes;

/// <summary>One change, as a watch sends it.</summary>
internal sealed record WatchEvent(long ResourceVersion, string Type, ResourceType Resource, JsonObject Object);

/// <summary>
/// The emulator's objects (JSON as the API serves them), one global resourceVersion counter, the history of
/// changes that watches replay, and pod logs. Not thread-safe: the emulator holds its lock around every call.
/// </summary>
internal sealed class KubeStore(TimeProvider time)
{
    private readonly Dictionary<string, (ResourceType Type, JsonObject Obj)> _objects = new();
    private readonly List<WatchEvent> _history = [];
    /// <summary>
    /// Pod logs by <see cref="LogKey"/> (the current container) and <see cref="PreviousLogKey"/> (the run before the last
    /// restart), each line stored as the container runtime does: an RFC 3339 timestamp, a space, the text.
    /// </summary>
    public Dictionary<string, List<string>> Logs { get; } = new();
    public long ResourceVersion { get; private set; }
    public long Counter { get; set; }
    public long OldestWatchable { get; private set; }

    public string Now() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");

    private static string Key(ResourceType t, string? ns, string name) => $"{t.Qualified}|{(t.Namespaced ? ns : "")}|{name}";
    public static string LogKey(string ns, string pod) => $"{ns}/{pod}";
    public static string PreviousLogKey(string ns, string pod) => $"{ns}/{pod}#previous";

    /// <summary>Appends a line to a log, stamped with the emulator's clock (nanosecond precision, as the runtime writes).</summary>
    public void Log(string key, string text)
    {
        if (!Logs.TryGetValue(key, out var lines)) Logs[key] = lines = [];
        lines.Add(time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", System.Globalization.CultureInfo.InvariantCulture) + " " + text);
    }

    /// <summary>A stored line's time and text (a line saved without a timestamp reads as very old).</summary>
    public static (DateTimeOffset At, string Text) ParseLine(string stored)
    {
        var space = stored.IndexOf(' ');
        if (space > 0 && DateTimeOffset.TryParse(stored[..space], System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var at) && stored[..space].EndsWith('Z'))
            return (at, stored[(space + 1)..]);
        return (DateTimeOffset.UnixEpoch, stored);
    }

    public JsonObject? Get(ResourceType t, string? ns, string name) => _objects.TryGetValue(Key(t, ns, name), out var e) ? e.Obj : null;

    public IEnumerable<JsonObject> List(ResourceType t, string? ns = null) =>
        _objects.Values.Where(e => e.Type == t && (ns is null || !t.Namespaced || e.Obj["metadata"]?["namespace"]?.ToString() == ns))
            .Select(e => e.Obj).OrderBy(o => o["metadata"]?["namespace"]?.ToString()).ThenBy(o => o["metadata"]!["name"]!.ToString(), StringComparer.Ordinal);

    public IEnumerable<(ResourceType Type, JsonObject Obj)> All => _objects.Values;

    /// <summary>Stores the object with a new resourceVersion and records the ADDED/MODIFIED event.</summary>
    public JsonObject Put(ResourceType t, JsonObject obj)
    {
        var meta = (JsonObject)obj["metadata"]!;
        var key = Key(t, meta["namespace"]?.ToString(), meta["name"]!.ToString());
        var type = _objects.ContainsKey(key) ? "MODIFIED" : "ADDED";
        meta["resourceVersion"] = (++ResourceVersion).ToString();
        obj["apiVersion"] = t.GroupVersion;
        obj["kind"] = t.Kind;
        _objects[key] = (t, obj);
        Record(new WatchEvent(ResourceVersion, type, t, (JsonObject)obj.DeepClone()));
        return obj;
    }

    public JsonObject? Delete(ResourceType t, string? ns, string name)
    {
        var key = Key(t, ns, name);
        if (!_objects.Remove(key, out var e)) return null;
        var meta = (JsonObject)e.Obj["metadata"]!;
        meta["resourceVersion"] = (++ResourceVersion).ToString();
        Record(new WatchEvent(ResourceVersion, "DELETED", t, (JsonObject)e.Obj.DeepClone()));
        if (t.Kind == "Pod")
        {
            Logs.Remove(LogKey(ns ?? "", name));
            Logs.Remove(PreviousLogKey(ns ?? "", name));
        }
        return e.Obj;
    }

    /// <summary>Changes kept for watches; older resourceVersions get 410 Expired, as etcd compaction does.</summary>
    public const int HistoryLimit = 20000;

    private void Record(WatchEvent e)
    {
        _history.Add(e);
        if (_history.Count <= HistoryLimit) return;
        var drop = _history.Count - HistoryLimit;
        OldestWatchable = _history[drop - 1].ResourceVersion;
        _history.RemoveRange(0, drop);
    }

    public IEnumerable<WatchEvent> Since(long rv) => _history.Where(e => e.ResourceVersion > rv);

    public JsonObject Save()
    {
        var objects = new JsonArray();
        foreach (var (_, (t, o)) in _objects) objects.Add(o.DeepClone());
        var logs = new JsonObject();
        foreach (var (k, lines) in Logs) logs[k] = new JsonArray(lines.Select(l => (JsonNode)l).ToArray());
        return new JsonObject { ["resourceVersion"] = ResourceVersion, ["counter"] = Counter, ["objects"] = objects, ["logs"] = logs };
    }

    public void Load(JsonObject state)
    {
        _objects.Clear(); _history.Clear(); Logs.Clear();
        ResourceVersion = state["resourceVersion"]!.GetValue<long>();
        Counter = state["counter"]?.GetValue<long>() ?? 0;
        OldestWatchable = ResourceVersion;
        foreach (var o in state["objects"]!.AsArray().OfType<JsonObject>())
        {
            var t = ResourceTypes.All.First(r => r.GroupVersion == o["apiVersion"]!.ToString() && r.Kind == o["kind"]!.ToString());
            var clone = (JsonObject)o.DeepClone();
            _objects[Key(t, clone["metadata"]?["namespace"]?.ToString(), clone["metadata"]!["name"]!.ToString())] = (t, clone);
        }
        if (state["logs"] is JsonObject logs)
            foreach (var (k, v) in logs) Logs[k] = v!.AsArray().Select(l => l!.ToString()).ToList();
    }
}
