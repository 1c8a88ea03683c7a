using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Kubernetes;

/// <summary>Label selectors (<c>a=b,c!=d,e in (f,g),h,!i</c>) and field selectors (<c>metadata.name=x</c>).</summary>
internal static class Selectors
{
    public static Func<JsonObject, bool> Labels(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) return _ => true;
        var terms = SplitTerms(selector).Select(ParseLabelTerm).ToList();
        return obj =>
        {
            var labels = obj["metadata"]?["labels"] as JsonObject;
            return terms.All(t => t(labels));
        };
    }

    private static IEnumerable<string> SplitTerms(string selector)
    {
        var depth = 0; var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            if (selector[i] == '(') depth++;
            else if (selector[i] == ')') depth--;
            else if (selector[i] == ',' && depth == 0) { yield return selector[start..i].Trim(); start = i + 1; }
        }
        yield return selector[start..].Trim();
    }

    private static Func<JsonObject?, bool> ParseLabelTerm(string term)
    {
        string? Get(JsonObject? l, string k) => l?[k]?.GetValue<string>();
        int idx;
        if ((idx = term.IndexOf("!=", StringComparison.Ordinal)) > 0)
        {
            var (k, v) = (term[..idx].Trim(), term[(idx + 2)..].Trim());
            return l => Get(l, k) != v;
        }
        if ((idx = term.IndexOf("==", StringComparison.Ordinal)) > 0)
        {
            var (k, v) = (term[..idx].Trim(), term[(idx + 2)..].Trim());
            return l => Get(l, k) == v;
        }
        if ((idx = term.IndexOf('=')) > 0)
        {
            var (k, v) = (term[..idx].Trim(), term[(idx + 1)..].Trim());
            return l => Get(l, k) == v;
        }
        var parts = term.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && (parts[1].StartsWith("in ") || parts[1].StartsWith("in(") || parts[1].StartsWith("notin")))
        {
            var negate = parts[1].StartsWith("notin");
            var values = parts[1][(parts[1].IndexOf('(') + 1)..parts[1].LastIndexOf(')')].Split(',', StringSplitOptions.TrimEntries);
            return l => values.Contains(Get(l, parts[0])) != negate;
        }
        if (term.StartsWith('!')) return l => Get(l, term[1..]) is null;
        return l => Get(l, term) is not null;
    }

    public static Func<JsonObject, bool> Fields(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) return _ => true;
        var terms = selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(term =>
        {
            var negate = term.Contains("!=");
            var parts = term.Split(negate ? "!=" : term.Contains("==") ? "==" : "=", 2);
            var path = parts[0].Split('.');
            var value = parts.Length > 1 ? parts[1] : "";
            return (Func<JsonObject, bool>)(o =>
            {
                JsonNode? node = o;
                foreach (var p in path) node = node?[p];
                var actual = node?.ToString() ?? "";
                return (actual == value) != negate;
            });
        }).ToList();
        return o => terms.All(t => t(o));
    }
}
