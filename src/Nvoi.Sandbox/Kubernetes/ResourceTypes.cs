using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Kubernetes;

/// <summary>One kind the emulator serves: where it lives in the API and how discovery describes it.</summary>
internal sealed record ResourceType(string Group, string Version, string Kind, string Plural, bool Namespaced, params string[] ShortNames)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string Singular => Kind.ToLowerInvariant();
    /// <summary>How errors name the resource: <c>deployments.apps</c>, <c>pods</c>.</summary>
    public string Qualified => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
    public bool HasStatus => Kind is not ("Secret" or "ConfigMap" or "Event" or "Middleware" or "IngressClass" or "ClusterRole" or "ClusterRoleBinding" or "ValidatingWebhookConfiguration");
}

internal static class ResourceTypes
{
    public static readonly IReadOnlyList<ResourceType> All =
    [
        new("", "v1", "Namespace", "namespaces", false, "ns"),
        new("", "v1", "Node", "nodes", false, "no"),
        new("", "v1", "Pod", "pods", true, "po"),
        new("", "v1", "Secret", "secrets", true),
        new("", "v1", "ConfigMap", "configmaps", true, "cm"),
        new("", "v1", "Service", "services", true, "svc"),
        new("", "v1", "Event", "events", true, "ev"),
        new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, "pvc"),
        new("apps", "v1", "Deployment", "deployments", true, "deploy"),
        new("apps", "v1", "ReplicaSet", "replicasets", true, "rs"),
        new("apps", "v1", "StatefulSet", "statefulsets", true, "sts"),
        new("batch", "v1", "Job", "jobs", true),
        new("batch", "v1", "CronJob", "cronjobs", true, "cj"),
        new("networking.k8s.io", "v1", "Ingress", "ingresses", true, "ing"),
        new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false),
        new("traefik.io", "v1alpha1", "Middleware", "middlewares", true),
        // What an ingress-nginx install holds outside its namespace (a cluster made by nvoi 0.2.0).
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
        new("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false),
    ];

    public static ResourceType? Find(string groupVersion, string plural) =>
        All.FirstOrDefault(t => t.GroupVersion == groupVersion && t.Plural == plural);

    public static ResourceType ByKind(string kind) => All.First(t => t.Kind == kind);

    private static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static JsonObject Version() => new()
    {
        ["major"] = "1", ["minor"] = "32", ["gitVersion"] = "v1.32.0+nvoi-sandbox", ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean", ["buildDate"] = "2026-01-01T00:00:00Z", ["goVersion"] = "go1.23", ["compiler"] = "gc", ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions() => new()
    {
        ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = "127.0.0.1" }),
    };

    public static JsonObject Groups()
    {
        var groups = new JsonArray();
        foreach (var g in All.Where(t => t.Group.Length > 0).GroupBy(t => t.Group))
        {
            var gv = g.First().GroupVersion;
            var version = new JsonObject { ["groupVersion"] = gv, ["version"] = g.First().Version };
            groups.Add(new JsonObject { ["name"] = g.Key, ["versions"] = new JsonArray(version), ["preferredVersion"] = version.DeepClone() });
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? Resources(string groupVersion)
    {
        var types = All.Where(t => t.GroupVersion == groupVersion).ToList();
        if (types.Count == 0) return null;
        var list = new JsonArray();
        foreach (var t in types)
        {
            var shorts = new JsonArray();
            foreach (var s in t.ShortNames) shorts.Add(s);
            list.Add(new JsonObject
            {
                ["name"] = t.Plural, ["singularName"] = t.Singular, ["namespaced"] = t.Namespaced, ["kind"] = t.Kind,
                ["verbs"] = new JsonArray(Verbs.Select(v => (JsonNode)v).ToArray()), ["shortNames"] = shorts,
            });
            if (t.HasStatus)
                list.Add(new JsonObject { ["name"] = t.Plural + "/status", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["kind"] = t.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
            if (t.Kind == "Pod")
                list.Add(new JsonObject { ["name"] = "pods/log", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "Pod", ["verbs"] = new JsonArray("get") });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = list };
    }

    /// <summary>The OpenAPI v3 root: one entry per group-version, as <c>/openapi/v3</c> lists them.</summary>
    public static JsonObject OpenApiRoot()
    {
        var paths = new JsonObject();
        foreach (var gv in All.Select(t => t.GroupVersion).Distinct())
        {
            var key = gv.Contains('/') ? $"apis/{gv}" : $"api/{gv}";
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Workloads.Hash(JsonValue.Create(gv), 16)}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>
    /// A group-version's OpenAPI v3 document, reduced to what kubectl reads before an apply: each object path
    /// with its PATCH operation's group-version-kind and the <c>fieldValidation</c> parameter, so kubectl
    /// leaves validation to the server instead of downloading schemas.
    /// </summary>
    public static JsonObject? OpenApiDocument(string groupVersion)
    {
        var types = All.Where(t => t.GroupVersion == groupVersion).ToList();
        if (types.Count == 0) return null;
        var paths = new JsonObject();
        foreach (var t in types)
        {
            var prefix = t.Group.Length == 0 ? $"/api/{t.Version}" : $"/apis/{t.Group}/{t.Version}";
            var path = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}/{{name}}" : $"{prefix}/{t.Plural}/{{name}}";
            JsonObject Param(string name, string where) => new() { ["name"] = name, ["in"] = where, ["schema"] = new JsonObject { ["type"] = "string" } };
            var parameters = new JsonArray(Param("name", "path"), Param("dryRun", "query"), Param("fieldManager", "query"), Param("fieldValidation", "query"), Param("force", "query"));
            if (t.Namespaced) parameters.Add(Param("namespace", "path"));
            var gvk = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind };
            paths[path] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{t.Kind}",
                    ["parameters"] = parameters,
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = gvk,
                },
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }
}
