using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nvoi.Configuration.Editing;

/// <summary>
/// <c>nvoi credentials set PATH VALUE</c>: sets one scalar at a dot path under <c>application</c>,
/// creating the maps on the way. Works on the YAML tree, so keys the typed model does not know
/// are kept; the caller validates the result before writing it.
/// </summary>
public static class YamlPathEditor
{
    /// <summary>The path as given without a leading <c>application.</c> (nvoi 0.2.0 accepted and stripped it).</summary>
    public static string Normalize(string dotPath) =>
        dotPath.StartsWith("application.", StringComparison.Ordinal) ? dotPath["application.".Length..] : dotPath;

    /// <summary>
    /// The document with the value set: only that entry's text changes (comments and layout kept, see
    /// <see cref="LayoutKeepingEdit"/>), else the whole document re-serialised.
    /// </summary>
    public static EditedText Set(string yaml, string dotPath, string value) => LayoutKeepingEdit.ForTree(yaml, Rewrite(yaml, dotPath, value));

    /// <summary>The whole document, re-serialised with the value set.</summary>
    internal static string Rewrite(string yaml, string dotPath, string value)
    {
        dotPath = Normalize(dotPath);
        var segments = dotPath.Split('.');
        if (segments.Any(string.IsNullOrWhiteSpace))
            throw new ConfigEditException($"invalid path '{dotPath}': use dot-separated keys such as database.secrets.POSTGRES_DB");

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigEditException($"the current config is not valid YAML (line {e.Start.Line}): fix it with `nvoi credentials edit`");
        }
        if (stream.Documents.Count == 0) stream.Documents.Add(new YamlDocument(new YamlMappingNode()));
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigEditException("the current config is not a YAML map: fix it with `nvoi credentials edit`");

        var node = Child(root, "application", "application");
        var walked = "application";
        foreach (var segment in segments[..^1])
        {
            walked += "." + segment;
            node = Child(node, segment, walked);
        }
        node.Children[new YamlScalarNode(segments[^1])] = new YamlScalarNode(value) { Style = StyleFor(["application", .. segments], value) };

        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream writes an explicit document end marker; drop it for a clean file.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlMappingNode Child(YamlMappingNode parent, string key, string path)
    {
        if (parent.Children.TryGetValue(new YamlScalarNode(key), out var existing))
        {
            if (existing is YamlMappingNode map) return map;
            if (existing is YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                var replaced = new YamlMappingNode();
                parent.Children[new YamlScalarNode(key)] = replaced;
                return replaced;
            }
            throw new ConfigEditException($"{path} is not a map, so it cannot hold keys");
        }
        var created = new YamlMappingNode();
        parent.Children.Add(new YamlScalarNode(key), created);
        return created;
    }

    // An integer or boolean key takes a plain number or true/false (so `servers.master.count 3` stays a
    // number); everything else is a string and written as one: quoted wherever a YAML 1.1 reader (nvoi
    // 0.2.0's Psych) would take it for a boolean, number, date or null (yes, 0755, 2025-01-01, ~, "").
    private static ScalarStyle StyleFor(string[] segments, string value) => ConfigShape.LeafType(segments) switch
    {
        "integer" when int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _) => ScalarStyle.Plain,
        "boolean" when value is "true" or "false" => ScalarStyle.Plain,
        _ => ConfigWriter.StyleOf(value),
    };
}
