using System.Text;

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
internal static class YamlSplicer
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

    private sealed record Splice(int Start, int End, string Text, int Depth, int Order);

    private sealed class Splicing(string text, string after)
    {
        private readonly List<Splice> _splices = [];
        private readonly string _newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";

        public void Add(Op op, string[] path, SpanNode t, SpanNode a)
        {
            var tParent = Parent(t, path);
            var tEntry = tParent.Find(path[^1]);
            if (op == Op.Remove)
            {
                if (tEntry is not null) _splices.Add(Removal(tEntry, path.Length));
                return;
            }
            var aParent = Parent(a, path);
            var aEntry = aParent.Find(path[^1])!;
            var lines = Lines(aEntry);
            if (tEntry is not null)
            {
                // The key and its value are replaced; the first line starts where the old key did.
                var indent = new string(' ', Column(text, tEntry.Start));
                var sb = new StringBuilder(lines[0]);
                foreach (var line in lines.Skip(1)) sb.Append(_newline).Append(line.Length == 0 ? "" : indent + line);
                _splices.Add(new Splice(tEntry.Start, tEntry.End, sb.ToString(), path.Length, 0));
                return;
            }
            var siblings = tParent.Entries;
            var column = Column(text, siblings[0].Start);
            var block = new StringBuilder();
            foreach (var line in lines) block.Append(line.Length == 0 ? "" : new string(' ', column) + line).Append(_newline);
            var order = aParent.Entries.IndexOf(aEntry);
            var anchor = aParent.Entries.Take(order).Reverse().Select(e => tParent.Find(e.Key.Value)).FirstOrDefault(e => e is not null);
            if (anchor is null)
            {
                var first = siblings[0];
                RequireOwnLine(first);
                var start = LineStart(text, first.Start);
                _splices.Add(new Splice(start, start, block.ToString(), path.Length, order));
                return;
            }
            RequireOwnLine(anchor);
            var end = PastLine(text, anchor.End);
            var insert = block.ToString();
            // At the end of a file without a final line break: add one before the entry, none after it.
            if (end == text.Length && !text.EndsWith('\n')) insert = _newline + insert[..^_newline.Length];
            _splices.Add(new Splice(end, end, insert, path.Length, order));
        }

        /// <summary>Deletes the entry's lines; at the end of a file without a final line break, the line break before them.</summary>
        private Splice Removal(SpanEntry entry, int depth)
        {
            RequireOwnLine(entry);
            var start = LineStart(text, entry.Start);
            var end = PastLine(text, entry.End);
            if (end == text.Length && !text.EndsWith('\n') && start > 0)
                start -= start >= 2 && text[start - 2] == '\r' ? 2 : 1;
            return new Splice(start, end, "", depth, 0);
        }

        /// <summary>The entry is alone on its lines: only spaces before its key, at most a comment after its value.</summary>
        private void RequireOwnLine(SpanEntry entry)
        {
            var start = LineStart(text, entry.Start);
            if (text[start..entry.Start].Any(c => c != ' '))
                throw new CannotSplice($"the key '{entry.Key.Value}' does not start its line");
            var rest = text[entry.End..LineEnd(text, entry.End)].Trim();
            if (rest.Length > 0 && rest[0] != '#')
                throw new CannotSplice($"the value of '{entry.Key.Value}' is followed by more on its line");
        }

        /// <summary>The entry's text in <c>after</c>: its lines, the first from the key on, the others without the key's indentation.</summary>
        private List<string> Lines(SpanEntry entry)
        {
            var column = Column(after, entry.Start);
            var lines = after[entry.Start..entry.End].Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
            for (var i = 1; i < lines.Count; i++)
            {
                if (lines[i].Trim().Length == 0) lines[i] = "";
                else if (lines[i].Length > column && lines[i][..column].All(c => c == ' ')) lines[i] = lines[i][column..];
                else throw new CannotSplice($"the new text of '{entry.Key.Value}' is not indented below its key");
            }
            return lines;
        }

        public string ApplyTo(string source)
        {
            var ordered = _splices.OrderBy(s => s.Start).ThenBy(s => s.End).ThenByDescending(s => s.Depth).ThenBy(s => s.Order).ToList();
            // Removals of neighbouring entries may share a line break; merge them.
            var merged = new List<Splice>();
            foreach (var s in ordered)
            {
                if (merged.Count > 0 && merged[^1] is { Text: "" } last && s.Text.Length == 0 && s.Start < last.End)
                {
                    merged[^1] = last with { End = Math.Max(last.End, s.End) };
                    continue;
                }
                if (merged.Count > 0 && s.Start < merged[^1].End)
                    throw new CannotSplice("two changes overlap");
                merged.Add(s);
            }
            var sb = new StringBuilder(source.Length + 256);
            var at = 0;
            foreach (var s in merged)
            {
                sb.Append(source, at, s.Start - at).Append(s.Text);
                at = s.End;
            }
            return sb.Append(source, at, source.Length - at).ToString();
        }
    }

    private static int LineStart(string text, int index) => index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;

    private static int LineEnd(string text, int index)
    {
        var nl = text.IndexOf('\n', index);
        return nl < 0 ? text.Length : nl;
    }

    private static int PastLine(string text, int index)
    {
        var nl = text.IndexOf('\n', index);
        return nl < 0 ? text.Length : nl + 1;
    }

    private static int Column(string text, int index) => index - LineStart(text, index);
}
