using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Kubernetes;

internal sealed partial class Workloads
{
    public const string SandboxNode = "sandbox";

    [System.Text.RegularExpressions.GeneratedRegex(@"^exit\s+([0-9]{1,3})$")]
    private static partial System.Text.RegularExpressions.Regex ExitScript();

    /// <summary>Creates a Pending pod from a template, schedules it, and starts it now or after the start delay.</summary>
    private JsonObject NewPod(JsonObject owner, JsonObject template, string name, JsonObject? extraLabels)
    {
        var labels = (template["metadata"]?["labels"] as JsonObject)?.DeepClone() as JsonObject ?? new JsonObject();
        if (extraLabels is not null) foreach (var (k, v) in extraLabels) labels[k] = v?.DeepClone();
        var meta = NewMeta(Ns(owner), name, labels);
        meta["ownerReferences"] = OwnerRef(owner);
        if (template["metadata"]?["annotations"] is JsonObject ann) meta["annotations"] = ann.DeepClone();
        var spec = (JsonObject)(template["spec"]?.DeepClone() ?? new JsonObject());
        var now = store.Now();
        var pod = new JsonObject
        {
            ["metadata"] = meta, ["spec"] = spec,
            ["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "Burstable" },
        };
        var node = Schedule(spec);
        store.Put(Pods, pod);
        if (node is null)
        {
            var count = Math.Max(1, store.List(Nodes).Count());
            pod["status"]!["conditions"] = new JsonArray(Condition("PodScheduled", false, now, "Unschedulable"));
            store.Put(Pods, pod);
            Event(pod, "Warning", "FailedScheduling", $"0/{count} nodes are available: {count} node(s) didn't match Pod's node affinity/selector.", "default-scheduler");
            return pod;
        }
        spec["nodeName"] = node;
        pod["status"]!["conditions"] = new JsonArray(Condition("PodScheduled", true, now));
        pod["status"]!["containerStatuses"] = Containers(spec, c => Waiting(c, "ContainerCreating", null, 0));
        store.Put(Pods, pod);
        Event(pod, "Normal", "Scheduled", $"Successfully assigned {Ns(pod)}/{name} to {node}", "default-scheduler");
        if (settings.StartDelay > TimeSpan.Zero) scheduleStart(Ns(pod), name);
        else StartPod(pod);
        return pod;
    }

    private string? Schedule(JsonObject spec)
    {
        if (settings.Nodes.Count == 0) return SandboxNode;
        var allowed = settings.Nodes.Where(n => MatchesAffinity(spec, n.Name, n.Group)).Select(n => n.Name).ToList();
        if (allowed.Count == 0) return null;
        var load = store.List(Pods).GroupBy(p => p["spec"]?["nodeName"]?.ToString() ?? "").ToDictionary(g => g.Key, g => g.Count());
        return allowed.OrderBy(n => load.GetValueOrDefault(n)).ThenBy(n => n, StringComparer.Ordinal).First();
    }

    /// <summary>The node's labels the emulator knows: its group (<c>nvoi.io/server-name</c>) and name (<c>kubernetes.io/hostname</c>).</summary>
    private static bool MatchesAffinity(JsonObject spec, string node, string group)
    {
        if (spec["nodeSelector"] is JsonObject sel && sel.Any(p => p.Key switch
            {
                "nvoi.io/server-name" => p.Value?.ToString() != group,
                "kubernetes.io/hostname" => p.Value?.ToString() != node,
                _ => false,
            })) return false;
        var terms = spec["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"] as JsonArray;
        if (terms is null || terms.Count == 0) return true;
        return terms.OfType<JsonObject>().Any(t => (t["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>().All(e =>
            e["key"]?.ToString() != "nvoi.io/server-name" || e["operator"]?.ToString() switch
            {
                "In" => (e["values"] as JsonArray ?? []).Any(v => v?.ToString() == group),
                "NotIn" => (e["values"] as JsonArray ?? []).All(v => v?.ToString() != group),
                _ => true,
            }));
    }

    private static JsonArray Containers(JsonObject spec, Func<JsonObject, JsonObject> status) =>
        new((spec["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => (JsonNode)status(c)).ToArray());

    private static JsonObject Waiting(JsonObject c, string reason, string? message, int restarts) => new()
    {
        ["name"] = c["name"]?.ToString(), ["image"] = c["image"]?.ToString(), ["imageID"] = "", ["ready"] = false, ["started"] = false,
        ["restartCount"] = restarts, ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason, ["message"] = message } },
    };

    /// <summary>The kubelet's verdict: running and ready, crash-looping, unpullable, or (for Jobs) exited.</summary>
    public void StartPod(JsonObject pod)
    {
        var spec = (JsonObject)pod["spec"]!;
        var status = (JsonObject)pod["status"]!;
        var first = (spec["containers"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault() ?? new JsonObject();
        var image = first["image"]?.ToString();
        var container = first["name"]?.ToString() ?? "app";
        var isJob = pod["metadata"]?["ownerReferences"]?[0]?["kind"]?.ToString() == "Job";
        var now = store.Now();
        var logKey = KubeStore.LogKey(Ns(pod), Name(pod));

        if (KubeSettings.Matches(settings.UnpullableImages, image))
        {
            status["containerStatuses"] = Containers(spec, c => Waiting(c, "ImagePullBackOff", $"Back-off pulling image \"{c["image"]}\"", 0));
            store.Put(Pods, pod);
            Event(pod, "Normal", "Pulling", $"Pulling image \"{image}\"");
            Event(pod, "Warning", "Failed", $"Failed to pull image \"{image}\": not found");
            Event(pod, "Normal", "BackOff", $"Back-off pulling image \"{image}\"");
            return;
        }
        Event(pod, "Normal", "Pulled", $"Container image \"{image}\" already present on machine");
        Event(pod, "Normal", "Created", $"Created container {container}");
        Event(pod, "Normal", "Started", $"Started container {container}");
        if (IsOneOff(pod))
        {
            StartOneOff(pod); // its log is what its command prints
            return;
        }
        var started = $"[sandbox] {container} started from {image}";
        store.Log(logKey, started);

        if (isJob)
        {
            var argv = (first["command"] as JsonArray)?.Select(a => a?.ToString() ?? "").ToList() ?? [];
            if (argv.Count > 0) store.Log(logKey, $"[sandbox] running: {string.Join(' ', argv)}");
            // The one command the simulated kubelet really runs: `sh -c "exit N"` ends with N.
            var exitCode = argv is ["sh", "-c", var script] && ExitScript().Match(script.Trim()) is { Success: true } m
                ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) % 256 : 0;
            if (KubeSettings.Matches(settings.FailingJobImages, image)) exitCode = 1;
            var fail = exitCode != 0;
            if (fail) store.Log(logKey, $"Error: command exited with status {exitCode}{(KubeSettings.Matches(settings.FailingJobImages, image) ? " (kubernetes.failing_job_images)" : "")}");
            else store.Log(logKey, "[sandbox] command finished");
            status["phase"] = fail ? "Failed" : "Succeeded";
            status["startTime"] = now;
            status["conditions"] = new JsonArray(Condition("PodScheduled", true, now), Condition("Initialized", true, now), Condition("Ready", false, now, "PodCompleted"), Condition("ContainersReady", false, now, "PodCompleted"));
            status["containerStatuses"] = Containers(spec, c => new JsonObject
            {
                ["name"] = c["name"]?.ToString(), ["image"] = c["image"]?.ToString(), ["imageID"] = "", ["ready"] = false, ["started"] = false, ["restartCount"] = 0,
                ["state"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = exitCode, ["reason"] = fail ? "Error" : "Completed", ["startedAt"] = now, ["finishedAt"] = now } },
            });
            store.Put(Pods, pod);
            return;
        }

        if (KubeSettings.Matches(settings.CrashLoopImages, image))
        {
            // The runs before: the last one is what --previous shows; the current (backing-off) container shows the same.
            const string crashed = "Error: the process exited with status 1 (kubernetes.crashloop_images)";
            store.Log(logKey, crashed);
            store.Log(KubeStore.PreviousLogKey(Ns(pod), Name(pod)), started);
            store.Log(KubeStore.PreviousLogKey(Ns(pod), Name(pod)), crashed);
            status["phase"] = "Running";
            status["startTime"] = now;
            status["conditions"] = new JsonArray(Condition("PodScheduled", true, now), Condition("Initialized", true, now), Condition("Ready", false, now, "ContainersNotReady"), Condition("ContainersReady", false, now, "ContainersNotReady"));
            status["containerStatuses"] = Containers(spec, c =>
            {
                var s = Waiting(c, "CrashLoopBackOff", $"back-off 40s restarting failed container={c["name"]} pod={Name(pod)}", 3);
                s["lastState"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error", ["startedAt"] = now, ["finishedAt"] = now } };
                return s;
            });
            store.Put(Pods, pod);
            Event(pod, "Warning", "BackOff", $"Back-off restarting failed container {container} in pod {Name(pod)}");
            return;
        }

        store.Log(logKey, $"[sandbox] {container} is ready");
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
    }
}
