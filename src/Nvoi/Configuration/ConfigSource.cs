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
        var loaded = ConfigLoader.Parse(yaml, environment);
        var config = loaded.Config;
        if (branch is not null) config = BranchOverride.Apply(config, branch);
        ConfigValidator.EnsureValid(config, loaded);
        return config;
    }
}
