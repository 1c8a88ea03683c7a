using System.Text;

namespace Nvoi.Configuration;

/// <summary>A loaded config and the line each YAML path was found on (for error messages).</summary>
public sealed class LoadedConfig
{
    private readonly IReadOnlyDictionary<string, int> _lines;

    internal LoadedConfig(DeployConfig config, IReadOnlyDictionary<string, int> lines)
    {
        Config = config;
        _lines = lines;
    }

    public DeployConfig Config { get; }

    /// <summary>The 1-based line of a YAML path such as <c>application.app.web.port</c>, or null.</summary>
    public int? LineOf(string path) => _lines.TryGetValue(path, out var line) ? line : null;
}

/// <summary>
/// Parses the plaintext of deploy.enc (or a plaintext deploy.yml) into <see cref="DeployConfig"/>.
/// Every problem is collected and reported together, each with its YAML path and line: malformed YAML,
/// tabs, duplicate keys, unknown keys, wrong types, non-UTF-8 bytes, documents over 1 MiB.
/// It checks the shape only; <see cref="ConfigValidator"/> checks the meaning.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Parses YAML text; throws <see cref="ConfigException"/>.</summary>
    public static DeployConfig Load(string yaml) => Parse(yaml).Config;

    /// <summary>Parses UTF-8 bytes (a BOM is allowed); throws <see cref="ConfigException"/>.</summary>
    public static DeployConfig Load(byte[] utf8) => Parse(Decode(utf8)).Config;

    /// <summary>
    /// Parses YAML text. With <paramref name="environment"/>, <c>$VAR</c> and <c>${VAR}</c> in scalar values are
    /// expanded first (<c>$$</c> is a dollar); an unset variable is an error naming it and its path.
    /// </summary>
    public static LoadedConfig Parse(string yaml, Func<string, string?>? environment = null)
    {
        var (loaded, errors) = ParseCollecting(yaml, environment);
        if (errors.Count > 0) throw new ConfigException(errors);
        return loaded!;
    }

    /// <summary>
    /// Parses without throwing: the shape errors, and the config as far as it could be bound (null when the
    /// YAML itself is unreadable), so the rules can be checked too and every problem reported at once.
    /// </summary>
    public static (LoadedConfig? Loaded, List<ConfigError> Errors) ParseCollecting(string yaml, Func<string, string?>? environment = null)
    {
        var errors = new List<ConfigError>();
        var root = YamlTree.Parse(yaml, errors);
        if (errors.Count == 0 && root is not null && environment is not null)
            VariableExpander.Expand(root, "", environment, errors);
        if (errors.Count > 0) return (null, errors);
        if (root is null || root is YScalar { IsNull: true })
        {
            errors.Add(new ConfigError("", "config is empty; expected a mapping with the key 'application'"));
            return (null, errors);
        }
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var config = new ConfigBinder(errors, lines).BindRoot(root);
        return (new LoadedConfig(config, lines), errors);
    }

    /// <summary>Decodes strict UTF-8 (BOM stripped), with the size cap; throws <see cref="ConfigException"/>.</summary>
    public static string Decode(byte[] utf8)
    {
        if (utf8.Length > YamlTree.MaxBytes)
            throw new ConfigException("", $"config is larger than {YamlTree.MaxBytes / 1024} KiB; refusing to read it");
        var span = utf8.AsSpan();
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(span);
        }
        catch (DecoderFallbackException e)
        {
            var offset = Math.Max(0, utf8.Length - span.Length + e.Index);
            var line = 1 + utf8.AsSpan(0, Math.Min(offset, utf8.Length)).Count((byte)'\n');
            var bad = e.BytesUnknown is { Length: > 0 } b ? $" 0x{b[0]:X2}" : "";
            throw new ConfigException([new ConfigError("", $"config is not valid UTF-8 (invalid byte{bad} at offset {offset})") { Line = line }]);
        }
    }
}
