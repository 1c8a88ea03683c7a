namespace Nvoi.Sandbox.Hosts;

/// <summary>Path handling of the simulated file system (relative paths are under /home/deploy).</summary>
internal static class SimulatedPaths
{
    public const string Home = "/home/deploy";

    public static string Normalize(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Contains('\0'))
        {
            throw new ArgumentException("A path cannot contain NUL.", nameof(path));
        }
        var full = path.StartsWith('/') ? path : Home + "/" + path;
        var parts = new List<string>();
        foreach (var part in full.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    public static string Parent(string path)
    {
        var i = path.LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    public static IEnumerable<string> SelfAndAncestors(string path)
    {
        for (var p = path; ; p = Parent(p))
        {
            yield return p;
            if (p == "/") yield break;
        }
    }

    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];
}
