namespace Nvoi.Configuration;

/// <summary>
/// Where a config comes from: a plaintext <c>.yml</c>/<c>.yaml</c> file (with <c>$VAR</c> expansion from the
/// environment) or the decrypted text of deploy.enc supplied by the credentials layer.
/// Every entry returns a validated config or throws <see cref="ConfigException"/> listing all problems.
/// </summary>
public static class ConfigSource
{
    /// <summary>True for <c>.yml</c> and <c>.yaml</c> files, which are read as plaintext.</summary>
    public static bool IsPlaintext(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".yml" or ".yaml";

    /// <summary>
    /// Loads <paramref name="path"/>: a .yml/.yaml file is read and its <c>$VAR</c>/<c>${VAR}</c> expanded through
    /// <paramref name="environment"/>; any other file is passed to <paramref name="decrypt"/>, which returns its plaintext.
    /// Then applies <paramref name="branch"/> (when given) and validates.
    /// </summary>
    public static DeployConfig Load(string path, Func<string, string?> environment, Func<string, string>? decrypt = null, string? branch = null)
    {
        if (IsPlaintext(path))
        {
            byte[] bytes;
            try { bytes = File.ReadAllBytes(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException("", $"cannot read {path}: {e.Message}");
            }
            return FromText(ConfigLoader.Decode(bytes), environment, branch);
        }
        if (decrypt is null)
            throw new ConfigException("", $"{path} is not a .yml/.yaml file and no decryption was supplied");
        return FromText(decrypt(path), null, branch);
    }

    /// <summary>Parses, optionally expands variables (when <paramref name="environment"/> is given), applies the branch, validates.</summary>
    public static DeployConfig FromText(string yaml, Func<string, string?>? environment = null, string? branch = null)
    {
        if (branch is not null) BranchOverride.ValidateBranch(branch);
        var (loaded, errors) = ConfigLoader.ParseCollecting(yaml, environment);
        if (loaded is null) throw new ConfigException(errors);
        var config = loaded.Config;
        var shape = errors.ToList();
        // A config read only in part is checked without the branch (its name may be what is missing).
        if (branch is not null && shape.Count == 0) config = BranchOverride.Apply(config, branch);
        // Shape errors (unknown keys, wrong types), then rule errors, all at once; a rule error
        // at or around a value that could not be read is the same problem seen twice, so it is left out.
        errors.AddRange(ConfigValidator.Validate(config, loaded).Where(rule => !shape.Any(s => Overlap(s.Path, rule.Path))));
        if (errors.Count > 0) throw new ConfigException(errors);
        return config;
    }

    /// <summary>One path is the other or inside it (<c>a.b</c> and <c>a.b.c</c>, <c>a.b[0]</c>).</summary>
    private static bool Overlap(string a, string b) => Within(a, b) || Within(b, a);

    private static bool Within(string inner, string outer) =>
        inner == outer || (outer.Length > 0 && inner.StartsWith(outer, StringComparison.Ordinal) && inner[outer.Length] is '.' or '[');
}
