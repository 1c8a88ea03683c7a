using System.Text;
using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Kubernetes;

/// <summary>
/// One-off pods (no owner, restartPolicy Never, a command): what <c>kubectl run --restart=Never</c> and <c>nvoi run</c>
/// create. The container runs its command (see <see cref="ContainerCommands"/>) at start, or, with <c>stdin: true</c>,
/// when a client attaches (until then it waits on its input, Running); then the pod ends Succeeded or Failed with the
/// container's exit code, and what it printed is its log.
/// </summary>
internal sealed partial class Workloads
{
    public static bool IsOneOff(JsonObject pod) =>
        pod["metadata"]?["ownerReferences"] is not JsonArray { Count: > 0 }
        && pod["spec"]?["restartPolicy"]?.ToString() == "Never"
        && pod["spec"]?["containers"]?[0]?["command"] is JsonArray { Count: > 0 };

    public static bool WaitsForInput(JsonObject pod) => pod["spec"]?["containers"]?[0]?["stdin"]?.GetValue<bool>() == true;

    public static List<string> Command(JsonObject pod) =>
        (pod["spec"]?["containers"]?[0]?["command"] as JsonArray ?? []).Concat(pod["spec"]?["containers"]?[0]?["args"] as JsonArray ?? [])
            .Select(a => a?.ToString() ?? "").ToList();

    /// <summary>The container's environment, resolved from the pod's namespace.</summary>
    public Dictionary<string, string> Environment(JsonObject pod) =>
        ContainerCommands.Environment((JsonObject)pod["spec"]!["containers"]![0]!,
            (kind, name) => store.Get(ResourceTypes.ByKind(kind), Ns(pod), name));

    /// <summary>Started: running its command now (no input), or waiting for an attach (stdin).</summary>
    private void StartOneOff(JsonObject pod)
    {
        var spec = (JsonObject)pod["spec"]!;
        var status = (JsonObject)pod["status"]!;
        var now = store.Now();
        status["phase"] = "Running";
        status["startTime"] = now;
        status["podIP"] = $"10.42.0.{(store.Counter % 250) + 2}";
        status["conditions"] = new JsonArray(Condition("PodScheduled", true, now), Condition("Initialized", true, now), Condition("Ready", true, now), Condition("ContainersReady", true, now));
        status["containerStatuses"] = Containers(spec, c => new JsonObject
        {
            ["name"] = c["name"]?.ToString(), ["image"] = c["image"]?.ToString(), ["imageID"] = "", ["ready"] = true, ["started"] = true, ["restartCount"] = 0,
            ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } },
        });
        store.Put(Pods, pod);
        if (WaitsForInput(pod)) return;
        var output = new CollectedOutput();
        // Nothing here awaits for real: an empty input and an in-memory output complete synchronously.
        var exit = ContainerCommands.RunAsync(Command(pod), Environment(pod), Stream.Null, output, CancellationToken.None).GetAwaiter().GetResult();
        Finish(pod, exit, output.Text);
    }

    /// <summary>The command ended: its output becomes the log, the pod Succeeded (exit 0) or Failed.</summary>
    public void Finish(JsonObject pod, int exitCode, string printed)
    {
        var key = KubeStore.LogKey(Ns(pod), Name(pod));
        foreach (var line in printed.Split('\n').SkipLast(printed.EndsWith('\n') || printed.Length == 0 ? 1 : 0)) store.Log(key, line);
        var spec = (JsonObject)pod["spec"]!;
        var status = (JsonObject)pod["status"]!;
        var now = store.Now();
        var started = status["startTime"]?.ToString() ?? now;
        status["phase"] = exitCode == 0 ? "Succeeded" : "Failed";
        status["conditions"] = new JsonArray(Condition("PodScheduled", true, now), Condition("Initialized", true, now), Condition("Ready", false, now, "PodCompleted"), Condition("ContainersReady", false, now, "PodCompleted"));
        status["containerStatuses"] = Containers(spec, c => new JsonObject
        {
            ["name"] = c["name"]?.ToString(), ["image"] = c["image"]?.ToString(), ["imageID"] = "", ["ready"] = false, ["started"] = false, ["restartCount"] = 0,
            ["state"] = new JsonObject
            {
                ["terminated"] = new JsonObject { ["exitCode"] = exitCode, ["reason"] = exitCode == 0 ? "Completed" : "Error", ["startedAt"] = started, ["finishedAt"] = now },
            },
        });
        store.Put(Pods, pod);
    }

    /// <summary>Output kept in memory, stdout and stderr interleaved as the log has them.</summary>
    internal sealed class CollectedOutput : IContainerOutput
    {
        private readonly StringBuilder _text = new();
        public string Text { get { lock (_text) return _text.ToString(); } }

        public Task StdoutAsync(ReadOnlyMemory<byte> data, CancellationToken ct) { lock (_text) _text.Append(Encoding.UTF8.GetString(data.Span)); return Task.CompletedTask; }
        public Task StderrAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => StdoutAsync(data, ct);
    }
}
