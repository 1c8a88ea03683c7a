using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Kubernetes;

internal sealed partial class Workloads
{
    private static bool Ready(JsonObject pod) =>
        pod["status"]?["conditions"] is JsonArray c && c.Any(x => x?["type"]?.ToString() == "Ready" && x["status"]?.ToString() == "True");

    private static string Phase(JsonObject pod) => pod["status"]?["phase"]?.ToString() ?? "Pending";

    private static JsonObject Condition(string type, bool status, string now, string? reason = null) => new()
    {
        ["type"] = type, ["status"] = status ? "True" : "False", ["lastTransitionTime"] = now,
        ["lastUpdateTime"] = now, ["reason"] = reason, ["message"] = reason,
    };

    /// <summary>Keeps lastTransitionTime/lastUpdateTime of unchanged conditions, so an idle status stays equal.</summary>
    private static JsonArray KeepTimes(JsonNode? previous, params JsonObject[] conditions)
    {
        foreach (var c in conditions)
        {
            var old = (previous as JsonArray)?.OfType<JsonObject>().FirstOrDefault(o => o["type"]?.ToString() == c["type"]?.ToString());
            if (old is not null && old["status"]?.ToString() == c["status"]?.ToString() && old["reason"]?.ToString() == c["reason"]?.ToString())
            {
                c["lastTransitionTime"] = old["lastTransitionTime"]?.DeepClone();
                c["lastUpdateTime"] = old["lastUpdateTime"]?.DeepClone();
            }
        }
        return new JsonArray(conditions);
    }

    // ---- Deployment ----------------------------------------------------------------------------------

    private void Deployment(JsonObject d)
    {
        var spec = d["spec"] as JsonObject ?? new JsonObject();
        var desired = Int(spec["replicas"], 1);
        var template = spec["template"] as JsonObject ?? new JsonObject();
        var hash = Hash(template);
        var rsName = $"{Name(d)}-{hash}";
        var owned = Owned(ReplicaSets, d).ToList();
        var current = owned.FirstOrDefault(r => Name(r) == rsName);
        if (current is null)
        {
            var revision = owned.Select(r => int.TryParse(r["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"]?.ToString(), out var v) ? v : 0).DefaultIfEmpty(0).Max() + 1;
            var tpl = (JsonObject)template.DeepClone();
            var labels = tpl["metadata"]?["labels"] as JsonObject ?? new JsonObject();
            labels["pod-template-hash"] = hash;
            ((JsonObject)(tpl["metadata"] ??= new JsonObject()))["labels"] = labels.DeepClone();
            var selector = (JsonObject)(spec["selector"]?.DeepClone() ?? new JsonObject());
            ((JsonObject)(selector["matchLabels"] ??= new JsonObject()))["pod-template-hash"] = hash;
            var meta = NewMeta(Ns(d), rsName, labels);
            meta["ownerReferences"] = OwnerRef(d);
            meta["annotations"] = new JsonObject { ["deployment.kubernetes.io/revision"] = revision.ToString() };
            current = store.Put(ReplicaSets, new JsonObject
            {
                ["metadata"] = meta,
                ["spec"] = new JsonObject { ["replicas"] = desired, ["selector"] = selector, ["template"] = tpl },
            });
            Event(d, "Normal", "ScalingReplicaSet", $"Scaled up replica set {rsName} from 0 to {desired}", "deployment-controller");
            owned.Add(current);
        }
        else if (Int(current["spec"]!["replicas"], 0) != desired)
        {
            current["spec"]!["replicas"] = desired;
            store.Put(ReplicaSets, current);
        }

        var currentPods = Owned(Pods, current).ToList();
        var newReady = currentPods.Count(Ready);
        var recreate = spec["strategy"]?["type"]?.ToString() == "Recreate";
        foreach (var old in owned.Where(r => Name(r) != rsName))
        {
            // maxUnavailable 0: old pods serve until the new ones are ready (a crash-looping rollout keeps the old version).
            if (Int(old["spec"]!["replicas"], 0) != 0 && (recreate || newReady >= desired))
            {
                old["spec"]!["replicas"] = 0;
                store.Put(ReplicaSets, old);
                Event(d, "Normal", "ScalingReplicaSet", $"Scaled down replica set {Name(old)} to 0", "deployment-controller");
            }
        }

        var allPods = owned.SelectMany(r => Owned(Pods, r)).ToList();
        var ready = allPods.Count(Ready);
        var now = store.Now();
        var complete = currentPods.Count == desired && newReady == desired && allPods.Count == desired;
        var status = new JsonObject
        {
            ["observedGeneration"] = d["metadata"]!["generation"]?.DeepClone(),
            ["replicas"] = allPods.Count,
            ["updatedReplicas"] = currentPods.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["unavailableReplicas"] = Math.Max(0, desired - ready),
            ["conditions"] = KeepTimes(d["status"]?["conditions"],
                Condition("Available", ready >= desired, now, ready >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"),
                Condition("Progressing", true, now, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated")),
        };
        foreach (var k in new[] { "readyReplicas", "availableReplicas", "unavailableReplicas" })
            if (status[k]!.GetValue<int>() == 0) status.Remove(k);
        SetStatus(Deployments, d, status);
    }

    private void ReplicaSet(JsonObject rs)
    {
        var desired = Int(rs["spec"]?["replicas"], 1);
        var pods = Owned(Pods, rs).ToList();
        var template = rs["spec"]?["template"] as JsonObject ?? new JsonObject();
        for (var i = pods.Count; i < desired; i++)
            pods.Add(NewPod(rs, template, $"{Name(rs)}-{Suffix(Name(rs))}", null));
        foreach (var extra in pods.OrderBy(Ready).Take(Math.Max(0, pods.Count - desired)).ToList())
        {
            store.Delete(Pods, Ns(extra), Name(extra));
            pods.Remove(extra);
        }
        var ready = pods.Count(Ready);
        SetStatus(ReplicaSets, rs, new JsonObject
        {
            ["replicas"] = pods.Count, ["fullyLabeledReplicas"] = pods.Count, ["readyReplicas"] = ready, ["availableReplicas"] = ready,
            ["observedGeneration"] = rs["metadata"]!["generation"]?.DeepClone(),
        });
    }

    // ---- StatefulSet ---------------------------------------------------------------------------------

    private void StatefulSet(JsonObject s)
    {
        var spec = s["spec"] as JsonObject ?? new JsonObject();
        var desired = Int(spec["replicas"], 1);
        var template = spec["template"] as JsonObject ?? new JsonObject();
        var revision = $"{Name(s)}-{Hash(template)}";
        var pods = Owned(Pods, s).ToList();
        foreach (var stale in pods.Where(p => p["metadata"]?["labels"]?["controller-revision-hash"]?.ToString() != revision
                                              || !int.TryParse(Name(p)[(Name(s).Length + 1)..], out var i) || i >= desired).ToList())
        {
            store.Delete(Pods, Ns(stale), Name(stale));
            pods.Remove(stale);
        }
        for (var i = 0; i < desired; i++)
        {
            var name = $"{Name(s)}-{i}";
            if (pods.Any(p => Name(p) == name)) continue;
            foreach (var claim in (spec["volumeClaimTemplates"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var pvcName = $"{claim["metadata"]?["name"]}-{name}";
                if (store.Get(Pvcs, Ns(s), pvcName) is not null) continue;
                store.Put(Pvcs, new JsonObject
                {
                    ["metadata"] = NewMeta(Ns(s), pvcName, claim["metadata"]?["labels"] as JsonObject),
                    ["spec"] = claim["spec"]?.DeepClone(),
                    ["status"] = new JsonObject { ["phase"] = "Bound", ["accessModes"] = claim["spec"]?["accessModes"]?.DeepClone(), ["capacity"] = claim["spec"]?["resources"]?["requests"]?.DeepClone() },
                });
            }
            pods.Add(NewPod(s, template, name, new JsonObject { ["controller-revision-hash"] = revision, ["statefulset.kubernetes.io/pod-name"] = name }));
        }
        var ready = pods.Count(Ready);
        SetStatus(StatefulSets, s, new JsonObject
        {
            ["observedGeneration"] = s["metadata"]!["generation"]?.DeepClone(),
            ["replicas"] = pods.Count, ["readyReplicas"] = ready, ["availableReplicas"] = ready,
            ["currentReplicas"] = pods.Count, ["updatedReplicas"] = pods.Count,
            ["currentRevision"] = revision, ["updateRevision"] = revision, ["collisionCount"] = 0,
        });
    }

    // ---- Job -----------------------------------------------------------------------------------------

    private void Job(JsonObject j)
    {
        var pods = Owned(Pods, j).ToList();
        var succeeded = pods.Count(p => Phase(p) == "Succeeded");
        var failed = pods.Count(p => Phase(p) == "Failed");
        var active = pods.Count - succeeded - failed;
        var status = j["status"] as JsonObject;
        var done = status?["completionTime"] is not null || status?["conditions"] is JsonArray { Count: > 0 } c && c.Any(x => x?["type"]?.ToString() == "Failed");
        if (pods.Count == 0 && !done)
        {
            var uid = Uid(j);
            pods.Add(NewPod(j, j["spec"]?["template"] as JsonObject ?? new JsonObject(), $"{Name(j)}-{Suffix(Name(j))}", new JsonObject
            {
                ["job-name"] = Name(j), ["batch.kubernetes.io/job-name"] = Name(j), ["controller-uid"] = uid, ["batch.kubernetes.io/controller-uid"] = uid,
            }));
            active = 1;
        }
        var now = store.Now();
        var next = new JsonObject { ["startTime"] = status?["startTime"]?.DeepClone() ?? now };
        if (active > 0) next["active"] = active;
        if (succeeded > 0) next["succeeded"] = succeeded;
        if (failed > 0) next["failed"] = failed;
        next["ready"] = pods.Count(Ready);
        if (succeeded > 0)
        {
            next["completionTime"] = status?["completionTime"]?.DeepClone() ?? now;
            next["conditions"] = KeepTimes(status?["conditions"], Condition("SuccessCriteriaMet", true, now, "CompletionsReached"), Condition("Complete", true, now, "CompletionsReached"));
        }
        else if (failed > Int(j["spec"]?["backoffLimit"], 6))
            next["conditions"] = KeepTimes(status?["conditions"], Condition("FailureTarget", true, now, "BackoffLimitExceeded"), Condition("Failed", true, now, "BackoffLimitExceeded"));
        else if (failed > 0 && active == 0)
            NewPod(j, j["spec"]?["template"] as JsonObject ?? new JsonObject(), $"{Name(j)}-{Suffix(Name(j))}", new JsonObject { ["job-name"] = Name(j), ["batch.kubernetes.io/job-name"] = Name(j) });
        SetStatus(Jobs, j, next);
        if (succeeded > 0 && status?["completionTime"] is null) Event(j, "Normal", "Completed", "Job completed", "job-controller");
        if (next["conditions"] is JsonArray f && f.Any(x => x?["type"]?.ToString() == "Failed") && !(status?["conditions"] is JsonArray g && g.Any(x => x?["type"]?.ToString() == "Failed")))
            Event(j, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", "job-controller");
    }
}
