using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Sandbox.Kubernetes;

/// <summary>
/// A Kubernetes API server on loopback, good enough for the KubernetesClient and the real kubectl:
/// discovery, CRUD, server-side apply with field ownership and conflicts, watches, simulated workloads and
/// pod logs (see docs/kubernetes.md).
/// </summary>
public sealed partial class KubernetesEmulator : IEmulator
{
    private readonly object _lock = new();
    private readonly EmulatorOptions _options;
    private readonly KubeSettings _settings;
    private readonly KubeStore _store;
    private readonly Workloads _workloads;
    private readonly List<ITimer> _timers = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public KubernetesEmulator(EmulatorOptions options)
    {
        _options = options;
        _settings = KubeSettings.From(options.Settings);
        _store = new KubeStore(options.Time);
        _workloads = new Workloads(_store, _settings, ScheduleStart);
        lock (_lock) Seed();
    }

    public string Key => "kubernetes";
    public string BasePath => "";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private void Seed()
    {
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            _store.Put(ResourceTypes.ByKind("Namespace"), new JsonObject
            {
                ["metadata"] = _workloads.NewMeta("", ns, new JsonObject { ["kubernetes.io/metadata.name"] = ns }).WithoutNamespace(),
                ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
                ["status"] = new JsonObject { ["phase"] = "Active" },
            });
        var nodes = _settings.Nodes.Count > 0 ? _settings.Nodes : [(Workloads.SandboxNode, "")];
        var now = _store.Now();
        foreach (var (name, group) in nodes)
        {
            var labels = new JsonObject { ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux" };
            if (group.Length > 0) labels["nvoi.io/server-name"] = group;
            _store.Put(ResourceTypes.ByKind("Node"), new JsonObject
            {
                ["metadata"] = _workloads.NewMeta("", name, labels).WithoutNamespace(),
                ["spec"] = new JsonObject(),
                ["status"] = new JsonObject
                {
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady", ["lastHeartbeatTime"] = now, ["lastTransitionTime"] = now }),
                    ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.32.0+k3s1", ["osImage"] = "Ubuntu 24.04 LTS", ["architecture"] = "amd64", ["operatingSystem"] = "linux", ["containerRuntimeVersion"] = "containerd://1.7" },
                    ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = "10.0.1.2" }),
                },
            });
        }
    }

    private void ScheduleStart(string ns, string pod)
    {
        var timer = _options.Time.CreateTimer(_ =>
        {
            lock (_lock)
            {
                if (_store.Get(ResourceTypes.ByKind("Pod"), ns, pod) is { } p && p["status"]?["phase"]?.ToString() == "Pending")
                {
                    _workloads.StartPod(p);
                    _workloads.Reconcile();
                }
            }
            Signal();
        }, null, _settings.StartDelay, Timeout.InfiniteTimeSpan);
        _timers.Add(timer);
    }

    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Adds a line to a pod's log (what the container would print), for tests and the sandbox.</summary>
    public void AppendLog(string ns, string pod, string line)
    {
        lock (_lock) _store.Log(KubeStore.LogKey(ns, pod), line);
        Signal();
    }

    public void MapRoutes(IEndpointRouteBuilder routes) => routes.Map("/{**path}", async (HttpContext ctx) =>
    {
        try { await HandleAsync(ctx); }
        catch (Exception e) when (e is not OperationCanceledException && !ctx.Response.HasStarted)
        {
            await WriteStatus(ctx, 500, "InternalError", $"sandbox error: {e.GetType().Name}: {e.Message}");
        }
    });

    public Task WriteErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteStatus(context, status, code, message);

    public string SaveState() { lock (_lock) return _store.Save().ToJsonString(Json); }

    public void LoadState(string json)
    {
        lock (_lock)
        {
            _store.Load(JsonNode.Parse(json)!.AsObject());
            // Containers that were still starting when the state was saved start again.
            foreach (var pod in _store.List(ResourceTypes.ByKind("Pod")).ToList())
                if (pod["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.ToString() == "ContainerCreating")
                {
                    if (_settings.StartDelay > TimeSpan.Zero) ScheduleStart(pod["metadata"]!["namespace"]!.ToString(), pod["metadata"]!["name"]!.ToString());
                    else _workloads.StartPod(pod);
                }
            _workloads.Reconcile();
        }
        Signal();
    }

    // ---- responses -----------------------------------------------------------------------------------

    private static async Task WriteJson(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString(Json));
    }

    private static Task WriteStatus(HttpContext ctx, int code, string reason, string message, JsonObject? details = null) =>
        WriteJson(ctx, code, new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
            ["message"] = message, ["reason"] = reason, ["details"] = details ?? new JsonObject(), ["code"] = code,
        });

    private static Task NotFound(HttpContext ctx, ResourceType t, string name) =>
        WriteStatus(ctx, 404, "NotFound", $"{t.Qualified} \"{name}\" not found",
            new JsonObject { ["name"] = name, ["group"] = t.Group, ["kind"] = t.Plural });
}

internal static class JsonObjectExtensions
{
    public static JsonObject WithoutNamespace(this JsonObject meta) { meta.Remove("namespace"); return meta; }
}
