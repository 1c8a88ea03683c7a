namespace Nvoi.Configuration.Editing;

public enum ChangeKind { Added, Changed, Removed }

/// <summary>One value an edit added, changed or removed, ready to print (secret values masked).</summary>
public sealed record ConfigChange(ChangeKind Kind, string Path, string? Before, string? After, bool Secret)
{
    public static IReadOnlyList<ConfigChange> Between(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var changes = new List<ConfigChange>();
        foreach (var path in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var had = before.TryGetValue(path, out var old);
            var has = after.TryGetValue(path, out var now);
            var secret = SecretPaths.IsSecret(path);
            if (had && !has) changes.Add(new(ChangeKind.Removed, path, old, null, secret));
            else if (!had && has) changes.Add(new(ChangeKind.Added, path, null, now, secret));
            else if (old != now) changes.Add(new(ChangeKind.Changed, path, old, now, secret));
        }
        return changes;
    }

    public override string ToString()
    {
        string Show(string? v) => v is null ? "" : Secret ? SecretPaths.Mask(v) : v;
        return Kind switch
        {
            ChangeKind.Added => $"+ {Path} = {Show(After)}",
            ChangeKind.Removed => $"- {Path}",
            _ => $"~ {Path}: {Show(Before)} -> {Show(After)}",
        };
    }
}
