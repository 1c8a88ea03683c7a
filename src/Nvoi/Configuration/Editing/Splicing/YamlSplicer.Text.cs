using System.Text;

namespace Nvoi.Configuration.Editing.Splicing;

/// <summary>The text side of <see cref="YamlSplicer"/>: which characters each change replaces, and with what.</summary>
internal static partial class YamlSplicer
{
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
