using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nvoi.Configuration;

/// <summary>A parsed YAML node with its position; built by <see cref="YamlTree"/>.</summary>
internal abstract class YNode
{
    public int Line { get; init; }
    public int Column { get; init; }
    public abstract string Kind { get; }
}

internal sealed class YScalar : YNode
{
    public required string Value { get; set; }
    public bool Plain { get; init; }
    public bool ExplicitString { get; init; }
    public override string Kind => "a string";
    /// <summary>A plain <c>~</c>, <c>null</c> or empty scalar.</summary>
    public bool IsNull => Plain && !ExplicitString && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed class YMapping : YNode
{
    public List<(YScalar Key, YNode Value)> Entries { get; } = [];
    public override string Kind => "a mapping";
}

internal sealed class YSequence : YNode
{
    public List<YNode> Items { get; } = [];
    public override string Kind => "a list";
}

/// <summary>
/// Reads YAML text into <see cref="YNode"/>s with YamlDotNet's parser, reporting what a config may not
/// contain: several documents, duplicate keys, non-scalar keys, anchors/aliases and custom tags
/// (nvoi 0.2.0 loaded with Ruby's safe_load, which refuses the last two as well).
/// </summary>
internal static class YamlTree
{
    /// <summary>Largest config document accepted, in bytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Deepest nesting accepted; a config needs 6.</summary>
    public const int MaxDepth = 32;

    private sealed class TooDeepException(Mark mark) : Exception
    {
        public Mark Mark { get; } = mark;
    }

    public static YNode? Parse(string text, List<ConfigError> errors)
    {
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            errors.Add(new ConfigError("", $"config is larger than {MaxBytes / 1024} KiB; refusing to read it"));
            return null;
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        Reader? reader = null;
        try
        {
            var parser = new Parser(new StringReader(text));
            reader = new Reader(parser, errors);
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var root = reader.Read("", 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                errors.Add(new ConfigError("", "expected a single YAML document, found another") { Line = Line(second.Start) });
                return null;
            }
            return root;
        }
        catch (YamlException e)
        {
            errors.Add(Malformed(text, $"malformed YAML at line {Line(e.Start)}, column {e.Start.Column}: {Reason(e)}"));
            return null;
        }
        catch (TooDeepException e)
        {
            errors.Add(new ConfigError("", $"YAML nested deeper than {MaxDepth} levels") { Line = Line(e.Mark) });
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this on some broken flow collections (e.g. an unclosed '[').
            var last = reader?.Last?.End;
            errors.Add(Malformed(text, last is { } m
                ? $"malformed YAML after line {Line(m)}, column {m.Column}: unclosed bracket, brace or quote?"
                : "malformed YAML: unclosed bracket, brace or quote?"));
            return null;
        }
    }

    private static ConfigError Malformed(string text, string message)
    {
        var tab = FirstTabIndentedLine(text);
        return tab is { } t
            ? new ConfigError("", "tab character in indentation; YAML indents with spaces") { Line = t }
            : new ConfigError("", message);
    }

    /// <summary>Builds nodes from parser events; remembers the last event for errors the parser reports without a position.</summary>
    private sealed class Reader(IParser parser, List<ConfigError> errors)
    {
        public ParsingEvent? Last { get; private set; }

        public YNode Read(string path, int depth)
        {
            var ev = parser.Current ?? throw new YamlException("unexpected end of input");
            Last = ev;
            if (depth > MaxDepth) throw new TooDeepException(ev.Start);
            if (ev is AnchorAlias alias)
            {
                parser.MoveNext();
                errors.Add(new ConfigError(path, $"aliases are not supported (*{alias.Value})") { Line = Line(alias.Start) });
                return new YScalar { Value = "", Plain = true, Line = Line(alias.Start), Column = (int)alias.Start.Column };
            }
            if (ev is NodeEvent node)
            {
                if (!node.Anchor.IsEmpty)
                    errors.Add(new ConfigError(path, $"anchors are not supported (&{node.Anchor.Value})") { Line = Line(node.Start) });
                if (!node.Tag.IsEmpty && !IsStandardTag(node.Tag.Value))
                    errors.Add(new ConfigError(path, $"unsupported tag {node.Tag.Value}") { Line = Line(node.Start) });
            }
            switch (ev)
            {
                case Scalar s:
                    parser.MoveNext();
                    return new YScalar
                    {
                        Value = s.Value, Plain = s.Style == ScalarStyle.Plain,
                        ExplicitString = !s.Tag.IsEmpty && s.Tag.Value is "tag:yaml.org,2002:str" or "!",
                        Line = Line(s.Start), Column = (int)s.Start.Column,
                    };
                case SequenceStart ss:
                {
                    parser.MoveNext();
                    var seq = new YSequence { Line = Line(ss.Start), Column = (int)ss.Start.Column };
                    while (!parser.TryConsume<SequenceEnd>(out _))
                        seq.Items.Add(Read($"{path}[{seq.Items.Count}]", depth + 1));
                    return seq;
                }
                case MappingStart ms:
                {
                    parser.MoveNext();
                    var map = new YMapping { Line = Line(ms.Start), Column = (int)ms.Start.Column };
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var keyNode = Read(path, depth + 1);
                        var key = keyNode as YScalar;
                        var keyText = key?.Value ?? "?";
                        var childPath = Join(path, keyText);
                        if (key is null)
                            errors.Add(new ConfigError(path, $"mapping keys must be plain strings, got {keyNode.Kind}") { Line = keyNode.Line });
                        var value = Read(childPath, depth + 1);
                        if (key is null) continue;
                        if (!seen.Add(key.Value))
                        {
                            errors.Add(new ConfigError(childPath, $"duplicate key '{key.Value}'") { Line = key.Line });
                            continue;
                        }
                        map.Entries.Add((key, value));
                    }
                    return map;
                }
                default:
                    throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}");
            }
        }
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static bool IsStandardTag(string tag) => tag == "!" || tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal);

    private static int Line(Mark mark) => (int)mark.Line;

    private static string Reason(YamlException e)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position is reported separately.
        var msg = e.Message;
        var cut = msg.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && msg.StartsWith("(Line", StringComparison.Ordinal) ? msg[(cut + 3)..] : msg;
    }

    private static int? FirstTabIndentedLine(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var c in lines[i])
            {
                if (c == '\t') return i + 1;
                if (c != ' ') break;
            }
        }
        return null;
    }
}
