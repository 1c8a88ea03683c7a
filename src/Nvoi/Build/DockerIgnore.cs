using System.Text;
using System.Text.RegularExpressions;

namespace Nvoi.Build;

/// <summary>
/// A simple .dockerignore matcher: one pattern a line, # comments, * ? ** wildcards, ! to re-include,
/// last match wins; a pattern that matches a directory excludes everything under it.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Include)> _rules = [];

    public DockerIgnore(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var include = line.StartsWith('!');
            if (include) line = line[1..].Trim();
            line = line.Replace('\\', '/').Trim('/');
            if (line.StartsWith("./", StringComparison.Ordinal)) line = line[2..];
            if (line.Length == 0) continue;
            _rules.Add((ToRegex(line), include));
        }
    }

    /// <summary>Reads <c>.dockerignore</c> in <paramref name="contextDirectory"/>; empty when there is none.</summary>
    public static DockerIgnore For(string contextDirectory)
    {
        var file = Path.Combine(contextDirectory, ".dockerignore");
        return new DockerIgnore(File.Exists(file) ? File.ReadAllLines(file) : []);
    }

    /// <summary>Whether the file at <paramref name="relativePath"/> (/-separated) is left out of the context.</summary>
    public bool IsExcluded(string relativePath)
    {
        var excluded = false;
        foreach (var (pattern, include) in _rules)
            if (MatchesSelfOrParent(pattern, relativePath)) excluded = !include;
        return excluded;
    }

    private static bool MatchesSelfOrParent(Regex pattern, string path)
    {
        if (pattern.IsMatch(path)) return true;
        for (var i = path.IndexOf('/'); i > 0; i = path.IndexOf('/', i + 1))
            if (pattern.IsMatch(path[..i])) return true;
        return false;
    }

    private static Regex ToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                i++;
                if (i + 1 < glob.Length && glob[i + 1] == '/') { i++; sb.Append("(.*/)?"); }
                else sb.Append(".*");
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
