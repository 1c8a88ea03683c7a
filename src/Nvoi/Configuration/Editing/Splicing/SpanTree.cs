using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nvoi.Configuration.Editing.Splicing;

/// <summary>A YAML node with the character span of its text: <see cref="Start"/> to <see cref="End"/> (exclusive).</summary>
internal abstract class SpanNode
{
    public int Start { get; init; }
    /// <summary>Just past the node's last character (trailing line breaks of a block scalar not included).</summary>
    public int End { get; set; }
}

internal sealed class SpanScalar : SpanNode
{
    public required string Value { get; init; }
    public ScalarStyle Style { get; init; }
    public string Tag { get; init; } = "";

    /// <summary>
    /// What a YAML 1.1 reader makes of the scalar: two scalars with the same meaning load the same. A plain
    /// scalar that could be a null, boolean or number (<c>yes</c>, <c>0755</c>, empty) differs from the quoted text.
    /// </summary>
    public string Meaning => Tag switch
    {
        "tag:yaml.org,2002:str" or "!" => "s:" + Value,
        { Length: > 0 } => $"t:{Tag}:{Value}",
        _ when Style == ScalarStyle.Plain && Value is "" or "~" or "null" or "Null" or "NULL" => "null",
        _ when Style == ScalarStyle.Plain && ConfigWriter.ResolvesAsNonString(Value) => "p:" + Value,
        _ => "s:" + Value,
    };
}

internal sealed class SpanEntry(SpanScalar key, SpanNode value)
{
    public SpanScalar Key { get; } = key;
    public SpanNode Value { get; } = value;
    public int Start => Key.Start;
    /// <summary>Past the value; for an empty value, past the key's colon.</summary>
    public int End => Math.Max(Key.End, Value.End);
}

internal sealed class SpanMap : SpanNode
{
    public bool Flow { get; init; }
    public List<SpanEntry> Entries { get; } = [];
    public SpanEntry? Find(string key) => Entries.FirstOrDefault(e => e.Key.Value == key);
}

internal sealed class SpanSequence : SpanNode
{
    public bool Flow { get; init; }
    public List<SpanNode> Items { get; } = [];
}

/// <summary>
/// Reads one YAML document into <see cref="SpanNode"/>s with the positions YamlDotNet's parser reports, so an
/// edit can replace exactly the text of one entry. Refuses (returns null) what it cannot locate safely:
/// several documents, anchors, aliases, non-scalar keys, malformed text.
/// </summary>
internal static class SpanTree
{
    public static SpanNode? Parse(string text)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var root = Read(parser, text, 0);
            parser.Consume<DocumentEnd>();
            return parser.Accept<StreamEnd>(out _) ? root : null;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    private static SpanNode Read(IParser parser, string text, int depth)
    {
        var ev = parser.Current ?? throw new NotSupportedException("unexpected end of input");
        if (depth > YamlTree.MaxDepth || ev is AnchorAlias || ev is NodeEvent { Anchor.IsEmpty: false })
            throw new NotSupportedException("anchor, alias or too deep");
        parser.MoveNext();
        switch (ev)
        {
            case Scalar s:
            {
                var end = (int)s.End.Index;
                // A block scalar's span includes the line breaks (and blank lines) after its text.
                while (end > s.Start.Index && char.IsWhiteSpace(text[end - 1])) end--;
                return new SpanScalar { Value = s.Value, Style = s.Style, Tag = s.Tag.IsEmpty ? "" : s.Tag.Value, Start = (int)s.Start.Index, End = end };
            }
            case SequenceStart ss:
            {
                var seq = new SpanSequence { Start = (int)ss.Start.Index, Flow = ss.Style == SequenceStyle.Flow };
                SequenceEnd close;
                while (!parser.TryConsume<SequenceEnd>(out close!)) seq.Items.Add(Read(parser, text, depth + 1));
                seq.End = seq.Flow ? PastBracket(text, (int)close.Start.Index, ']') : seq.Items.Count > 0 ? seq.Items[^1].End : seq.Start;
                return seq;
            }
            case MappingStart ms:
            {
                var map = new SpanMap { Start = (int)ms.Start.Index, Flow = ms.Style == MappingStyle.Flow };
                MappingEnd close;
                while (!parser.TryConsume<MappingEnd>(out close!))
                {
                    if (Read(parser, text, depth + 1) is not SpanScalar key) throw new NotSupportedException("non-scalar key");
                    map.Entries.Add(new SpanEntry(key, Read(parser, text, depth + 1)));
                }
                map.End = map.Flow ? PastBracket(text, (int)close.Start.Index, '}') : map.Entries.Count > 0 ? map.Entries[^1].End : map.Start;
                return map;
            }
            default:
                throw new NotSupportedException($"unexpected {ev.GetType().Name}");
        }
    }

    private static int PastBracket(string text, int index, char bracket) =>
        index < text.Length && text[index] == bracket ? index + 1 : throw new NotSupportedException("flow collection end not found");

    /// <summary>Whether two nodes load the same: same scalars (by meaning), same keys in the same order, same items.</summary>
    public static bool Same(SpanNode a, SpanNode b) => (a, b) switch
    {
        (SpanScalar x, SpanScalar y) => x.Meaning == y.Meaning,
        (SpanSequence x, SpanSequence y) => x.Items.Count == y.Items.Count && x.Items.Zip(y.Items).All(p => Same(p.First, p.Second)),
        (SpanMap x, SpanMap y) => x.Entries.Count == y.Entries.Count
            && x.Entries.Zip(y.Entries).All(p => p.First.Key.Meaning == p.Second.Key.Meaning && Same(p.First.Value, p.Second.Value)),
        _ => false,
    };
}
