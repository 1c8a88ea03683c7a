namespace Nvoi.Configuration.Editing.Splicing;

/// <summary>
/// Applies an edit to YAML text by replacing only the text of the entries it changes. The edit is given as two
/// renderings of the document, <c>before</c> and <c>after</c> (e.g. the full rewrite of the config before and
/// after a <c>config … set</c>): their differences, entry by entry, are spliced into the original text with the
/// entries' text taken from <c>after</c>, re-indented like their new siblings. Everything else, comments, blank
/// lines, key order, quoting and line endings included, is left byte for byte.
/// <list type="bullet">
/// <item>a changed scalar or list: the entry's key and value are replaced, a comment after it on its line kept;</item>
/// <item>an added key: its lines go after the nearest preceding sibling (in <c>after</c>'s order), or before
/// the first one; a missing parent map is added whole;</item>
/// <item>a removed key: its lines (and its nested block, comments inside it included) are deleted;</item>
/// <item>a change inside a flow collection (<c>{a: 1}</c>, <c>[a, b]</c>) or under a key whose value is not a
/// block map (<c>env:</c> left empty): that whole entry is replaced, in block style.</item>
/// </list>
/// Returns null with a reason when the text cannot be located safely; the caller then writes the full rewrite.
/// </summary>
internal static partial class YamlSplicer
{
    private sealed class CannotSplice(string reason) : Exception(reason);

    private enum Op { Put, Remove }

    public static string? Apply(string original, string before, string after, out string? reason)
    {
        reason = null;
        var bom = original.StartsWith('\uFEFF') ? "\uFEFF" : "";
        var text = original[bom.Length..];
        try
        {
            var t = SpanTree.Parse(text) ?? throw new CannotSplice("the file's YAML has anchors, several documents or is empty");
            var b = SpanTree.Parse(before) ?? throw new CannotSplice("the current config cannot be located");
            var a = SpanTree.Parse(after) ?? throw new CannotSplice("the edited config cannot be located");
            var ops = new List<(Op, string[])>();
            Diff(b, a, [], ops);
            var splices = new Splicing(text, after);
            foreach (var (op, path) in Resolve(t, a, ops)) splices.Add(op, path, t, a);
            return bom + splices.ApplyTo(text);
        }
        catch (CannotSplice e)
        {
            reason = e.Message;
            return null;
        }
    }

    /// <summary>The changes from <paramref name="b"/> to <paramref name="a"/>: each at the highest key it touches.</summary>
    private static void Diff(SpanNode b, SpanNode a, string[] path, List<(Op, string[])> ops)
    {
        if (b is SpanMap bm && a is SpanMap am)
        {
            foreach (var e in bm.Entries)
                if (am.Find(e.Key.Value) is null) ops.Add((Op.Remove, [.. path, e.Key.Value]));
            foreach (var e in am.Entries)
            {
                var old = bm.Find(e.Key.Value);
                if (old is null) ops.Add((Op.Put, [.. path, e.Key.Value]));
                else Diff(old.Value, e.Value, [.. path, e.Key.Value], ops);
            }
            return;
        }
        if (SpanTree.Same(b, a)) return;
        if (path.Length == 0) throw new CannotSplice("the whole document changes");
        ops.Add((Op.Put, path));
    }

    /// <summary>
    /// Maps each change onto the original text's tree: a change below a key whose value there is not a block
    /// map (or is missing) becomes a change of that key. Changes inside another change are dropped.
    /// </summary>
    private static List<(Op, string[])> Resolve(SpanNode t, SpanNode a, List<(Op Kind, string[] Path)> ops)
    {
        if (t is not SpanMap { Flow: false } || a is not SpanMap)
            throw new CannotSplice("the document is not a block mapping");
        var resolved = new List<(Op, string[])>();
        foreach (var (kind, path) in ops)
        {
            var tMap = (SpanMap)t;
            for (var i = 0; i < path.Length; i++)
            {
                var prefix = path[..(i + 1)];
                var entry = tMap.Find(path[i]);
                if (entry is null)
                {
                    if (kind == Op.Put) resolved.Add((Op.Put, prefix));
                    break;
                }
                if (i == path.Length - 1)
                {
                    resolved.Add((kind, prefix));
                    break;
                }
                if (entry.Value is SpanMap { Flow: false } next)
                {
                    tMap = next;
                    continue;
                }
                resolved.Add((Find(a, prefix) is null ? Op.Remove : Op.Put, prefix));
                break;
            }
        }
        var keys = resolved.Select(r => string.Join('\0', r.Item2)).ToList();
        return resolved
            .Where((r, i) => keys.IndexOf(keys[i]) == i)
            .Where((r, i) => !resolved.Any(o => o.Item2.Length < r.Item2.Length && o.Item2.SequenceEqual(r.Item2[..o.Item2.Length])))
            .ToList();
    }

    private static SpanEntry? Find(SpanNode root, string[] path)
    {
        SpanEntry? entry = null;
        var node = root;
        foreach (var key in path)
        {
            entry = (node as SpanMap)?.Find(key);
            if (entry is null) return null;
            node = entry.Value;
        }
        return entry;
    }

    private static SpanMap Parent(SpanNode root, string[] path) =>
        path.Length == 1 ? (SpanMap)root : (SpanMap)Find(root, path[..^1])!.Value;

}
