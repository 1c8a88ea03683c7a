using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nvoi.Sandbox.Kubernetes;

/// <summary>The checks of the real API that nvoi's manifests could trip over: object, container and volume names.</summary>
internal static partial class Validation
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    private const string LabelRule = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string SubdomainRule = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    /// <summary>Fields the API refuses to change on an existing object: a Job's template and selector, a workload's selector.</summary>
    public static string? CheckUpdate(ResourceType type, JsonObject before, JsonObject after)
    {
        string[] immutable = type.Kind switch
        {
            "Job" => ["template", "selector"],
            "Deployment" or "StatefulSet" or "ReplicaSet" => ["selector"],
            _ => [],
        };
        foreach (var field in immutable)
            if (before["spec"]?[field] is { } old && !JsonNode.DeepEquals(old, after["spec"]?[field]))
                return $"spec.{field}: Invalid value: {after["spec"]?[field]?.ToJsonString() ?? "null"}: field is immutable";
        return null;
    }

    /// <summary>The first problem as the API words it ("field: Invalid value: ..."), or null.</summary>
    public static string? Check(ResourceType type, JsonObject obj)
    {
        var name = obj["metadata"]?["name"]?.ToString() ?? "";
        if (name.Length > 253 || !Subdomain().IsMatch(name)) return $"metadata.name: Invalid value: \"{name}\": {SubdomainRule}";
        if (type.Kind is "Service" && (name.Length > 63 || !Label().IsMatch(name))) return $"metadata.name: Invalid value: \"{name}\": {LabelRule}";
        if (type.Kind is "CronJob")
        {
            // The controller names each Job NAME-<minutes since the epoch>, which must stay a 63-character label.
            if (name.Length > 52) return $"metadata.name: Invalid value: \"{name}\": must be no more than 52 characters";
            if (string.IsNullOrWhiteSpace(obj["spec"]?["schedule"]?.ToString())) return "spec.schedule: Required value";
            if (obj["spec"]?["jobTemplate"]?["spec"]?["template"] is not JsonObject) return "spec.jobTemplate.spec.template: Required value";
        }
        var pod = type.Kind switch
        {
            "Pod" => (obj["spec"] as JsonObject, "spec"),
            "Deployment" or "StatefulSet" or "Job" or "ReplicaSet" => (obj["spec"]?["template"]?["spec"] as JsonObject, "spec.template.spec"),
            "CronJob" => (obj["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"] as JsonObject, "spec.jobTemplate.spec.template.spec"),
            _ => (null, ""),
        };
        if (pod.Item1 is not { } spec) return null;
        foreach (var (list, field) in new[] { ("volumes", "name"), ("containers", "name") })
        {
            var items = spec[list] as JsonArray ?? [];
            for (var i = 0; i < items.Count; i++)
            {
                var value = items[i]?[field]?.ToString() ?? "";
                if (value.Length > 63 || !Label().IsMatch(value)) return $"{pod.Item2}.{list}[{i}].{field}: Invalid value: \"{value}\": {LabelRule}";
            }
        }
        return null;
    }
}
