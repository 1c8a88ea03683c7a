using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nvoi.Configuration;

/// <summary>
/// Renders docs/configuration-reference.md from docs/schema/deploy.schema.json: one entry per key
/// (full YAML path), with its type, whether it is required, default, allowed values, example and description.
/// </summary>
public static class ConfigReference
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Placeholder shown for a user-chosen map key, by the map's own key.
    private static readonly Dictionary<string, string> Placeholders = new(StringComparer.Ordinal)
    {
        ["servers"] = "<group>", ["app"] = "<service>", ["services"] = "<service>", ["volumes"] = "<volume>",
        ["mounts"] = "<volume>", ["mount"] = "<volume>", ["env"] = "<VAR>", ["secrets"] = "<VAR>", ["host_keys"] = "<server>",
        ["crons"] = "<cron>",
    };

    /// <summary>The Markdown reference for the schema text given.</summary>
    public static string Render(string schemaJson)
    {
        var root = JsonNode.Parse(schemaJson)!.AsObject();
        var defs = root["$defs"]?.AsObject() ?? new JsonObject();
        var sb = new StringBuilder();
        sb.Append("# Configuration reference\n\n");
        sb.Append("<!-- Generated from docs/schema/deploy.schema.json by Nvoi.Configuration.ConfigReference. Do not edit:\n");
        sb.Append("     run `NVOI_UPDATE_DOCS=1 dotnet test tests/Nvoi.Tests --filter ConfigReference` after changing the schema. -->\n\n");
        sb.Append("Every key of `deploy.enc` (or a plaintext `deploy.yml`), by its full YAML path. `<group>`, `<service>`,\n");
        sb.Append("`<volume>`, `<cron>`, `<VAR>` and `<server>` stand for names you choose. What the keys mean together, and the rules\n");
        sb.Append("that span several keys, are in [configuration.md](configuration.md). \"(required)\" means required\n");
        sb.Append("whenever its parent is present.\n");
        Walk(root, "", defs, sb, required: true);
        return sb.ToString();
    }

    private static JsonObject Resolve(JsonObject node, JsonObject defs)
    {
        var r = node["$ref"]?.GetValue<string>();
        if (r is null) return node;
        var name = r[(r.LastIndexOf('/') + 1)..];
        return defs[name]?.AsObject() ?? throw new InvalidOperationException($"Unresolved $ref {r}");
    }

    private static void Walk(JsonObject node, string path, JsonObject defs, StringBuilder sb, bool required)
    {
        var schema = Resolve(node, defs);
        if (path.Length > 0) Entry(node, schema, path, sb, required);
        if (schema["properties"] is JsonObject props)
        {
            var req = schema["required"]?.AsArray().Select(x => x!.GetValue<string>()).ToHashSet() ?? [];
            foreach (var (key, child) in props)
                Walk(child!.AsObject(), path.Length == 0 ? key : $"{path}.{key}", defs, sb, req.Contains(key));
        }
        if (schema["additionalProperties"] is JsonObject item)
        {
            var resolved = Resolve(item, defs);
            if (resolved["properties"] is not null || resolved["additionalProperties"] is JsonObject)
            {
                var last = path[(path.LastIndexOf('.') + 1)..];
                Walk(item, $"{path}.{Placeholders.GetValueOrDefault(last, "<name>")}", defs, sb, required: false);
            }
        }
    }

    private static void Entry(JsonObject node, JsonObject schema, string path, StringBuilder sb, bool required)
    {
        sb.Append($"\n## `{path}`\n\n");
        var description = (node["description"] ?? schema["description"])?.GetValue<string>();
        if (description is not null) sb.Append(Escape(description)).Append("\n\n");
        sb.Append($"- Type: {TypeOf(schema, out var valueRule)}{(required ? " (required)" : "")}\n");
        if (schema["default"] is { } def) sb.Append($"- Default: {Code(Json(def))}\n");
        if (schema["enum"] is JsonArray values) sb.Append($"- Allowed values: {string.Join(", ", values.Select(v => Code(Json(v!))))}\n");
        var rules = Rules(schema).ToList();
        if (valueRule is not null) rules.Add(valueRule);
        if (rules.Count > 0) sb.Append($"- Constraints: {string.Join("; ", rules)}\n");
        if ((node["examples"] ?? schema["examples"]) is JsonArray examples && examples.Count > 0)
            sb.Append($"- Example{(examples.Count > 1 ? "s" : "")}: {string.Join(", ", examples.Select(e => Code(Json(e!))))}\n");
    }

    private static string TypeOf(JsonObject schema, out string? valueRule)
    {
        valueRule = null;
        var type = schema["type"]?.GetValue<string>() ?? "object";
        if (type == "array")
        {
            var items = schema["items"]?.AsObject();
            if (items?["pattern"] is { } p) valueRule = $"each item matches `{p.GetValue<string>()}`";
            return $"list of {items?["type"]?.GetValue<string>() ?? "object"}";
        }
        if (type == "object" && schema["properties"] is null && schema["additionalProperties"] is JsonObject ap)
        {
            if (ap["pattern"] is { } p) valueRule = $"each value matches `{p.GetValue<string>()}`";
            var valueType = ap["$ref"] is not null ? "object" : ap["type"]?.GetValue<string>() ?? "object";
            return $"map of name → {valueType}";
        }
        return type;
    }

    private static IEnumerable<string> Rules(JsonObject s)
    {
        if (s["pattern"] is { } p) yield return $"matches `{p.GetValue<string>()}`";
        if (s["propertyNames"]?["pattern"] is { } k) yield return $"each name matches `{k.GetValue<string>()}`";
        if (s["minLength"] is { } min && min.GetValue<int>() > 1) yield return $"at least {min} characters";
        if (s["minLength"] is { } one && one.GetValue<int>() == 1) yield return "not empty";
        if (s["maxLength"] is { } max) yield return $"at most {max} characters";
        if (s["minimum"] is { } lo) yield return $"≥ {lo}";
        if (s["maximum"] is { } hi) yield return $"≤ {hi}";
        if (s["minItems"] is { } mi) yield return $"at least {mi} item{(mi.GetValue<int>() == 1 ? "" : "s")}";
        if (s["minProperties"] is { } a && s["maxProperties"] is { } b && a.GetValue<int>() == b.GetValue<int>())
            yield return $"exactly {a} of: {string.Join(", ", s["properties"]!.AsObject().Select(kv => $"`{kv.Key}`"))}";
    }

    /// <summary>Plain text for Markdown: no HTML tags, no emphasis.</summary>
    private static string Escape(string text) =>
        text.Replace("\\", "\\\\").Replace("<", "&lt;").Replace("*", "\\*").Replace("_", "\\_");

    private static string Json(JsonNode value) => value.ToJsonString(Compact);

    /// <summary>An inline code span that survives a backtick in the value.</summary>
    private static string Code(string text) => text.Contains('`') ? $"`` {text} ``" : $"`{text}`";
}
