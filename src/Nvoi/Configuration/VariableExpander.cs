using System.Text;

namespace Nvoi.Configuration;

/// <summary>
/// Expands <c>$VAR</c> and <c>${VAR}</c> in the scalar values (not keys) of a plaintext config;
/// <c>$$</c> is a literal dollar, and a <c>$</c> not followed by a name or brace stays as it is.
/// </summary>
internal static class VariableExpander
{
    public static void Expand(YNode node, string path, Func<string, string?> environment, List<ConfigError> errors)
    {
        switch (node)
        {
            case YScalar s:
                s.Value = ExpandText(s.Value, path, s.Line, environment, errors);
                break;
            case YSequence seq:
                for (var i = 0; i < seq.Items.Count; i++) Expand(seq.Items[i], $"{path}[{i}]", environment, errors);
                break;
            case YMapping map:
                foreach (var (key, value) in map.Entries) Expand(value, YamlTree.Join(path, key.Value), environment, errors);
                break;
        }
    }

    internal static string ExpandText(string text, string path, int line, Func<string, string?> environment, List<ConfigError> errors)
    {
        if (!text.Contains('$')) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length) { sb.Append(c); continue; }
            var next = text[i + 1];
            if (next == '$') { sb.Append('$'); i++; continue; }
            string name;
            if (next == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    errors.Add(new ConfigError(path, "unterminated ${ in value") { Line = line });
                    return text;
                }
                name = text[(i + 2)..close];
                if (!IsName(name))
                {
                    errors.Add(new ConfigError(path, $"invalid variable name '${{{name}}}'") { Line = line });
                    return text;
                }
                i = close;
            }
            else if (IsNameStart(next))
            {
                var end = i + 1;
                while (end < text.Length && IsNamePart(text[end])) end++;
                name = text[(i + 1)..end];
                i = end - 1;
            }
            else { sb.Append(c); continue; }

            var value = environment(name);
            if (value is null)
            {
                errors.Add(new ConfigError(path, $"environment variable '{name}' is not set") { Line = line });
                continue;
            }
            sb.Append(value);
        }
        return sb.ToString();
    }

    private static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);
    private static bool IsNamePart(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);
    private static bool IsName(string s) => s.Length > 0 && IsNameStart(s[0]) && s.All(IsNamePart);
}
