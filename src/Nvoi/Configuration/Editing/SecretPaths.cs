namespace Nvoi.Configuration.Editing;

/// <summary>Which config paths hold secret values: these are masked in every display.</summary>
public static class SecretPaths
{
    private static readonly string[] SecretLeaves =
        ["api_token", "secret_access_key", "secret_key", "access_key_id", "private_key", "url", "password"];

    public static bool IsSecret(string path)
    {
        if (path.StartsWith("application.secrets.", StringComparison.Ordinal)) return true;
        if (path.StartsWith("application.database.secrets.", StringComparison.Ordinal)) return true;
        var leaf = path[(path.LastIndexOf('.') + 1)..];
        return SecretLeaves.Contains(leaf) || leaf.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase)
            || leaf.Contains("TOKEN", StringComparison.OrdinalIgnoreCase) || leaf.Contains("SECRET", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A masked rendering that shows only the length class, never characters of the value.</summary>
    public static string Mask(string value) => value.Length == 0 ? "(empty)" : "********";
}
