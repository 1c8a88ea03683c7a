namespace Nvoi.Credentials;

/// <summary>
/// Finds deploy.enc and its master key the way nvoi 0.2.0 does. Key order: explicit --master-key file;
/// NVOI_MASTER_KEY; deploy.key beside deploy.enc; deploy.key in the working dir; config/deploy.key.
/// </summary>
public sealed class KeyResolver
{
    /// <summary>Default name of the encrypted credentials file.</summary>
    public const string EncryptedFileName = "deploy.enc";
    /// <summary>Default name of the key file.</summary>
    public const string KeyFileName = "deploy.key";
    /// <summary>Environment variable holding the key as 64 hex characters.</summary>
    public const string EnvironmentVariable = "NVOI_MASTER_KEY";

    private readonly string _workingDir;
    private readonly Func<string, string?> _environment;

    /// <param name="workingDir">The project directory (the CLI's --dir).</param>
    /// <param name="environment">Environment lookup; defaults to the process environment.</param>
    public KeyResolver(string workingDir, Func<string, string?>? environment = null)
    {
        _workingDir = System.IO.Path.GetFullPath(workingDir);
        _environment = environment ?? System.Environment.GetEnvironmentVariable;
    }

    /// <summary>The full working directory.</summary>
    public string WorkingDir => _workingDir;

    /// <summary>
    /// The deploy.enc to use: the explicit path (relative paths against the process's current directory);
    /// else the first existing of deploy.enc and config/deploy.enc in the working dir; else deploy.enc
    /// in the working dir (where a new one is created).
    /// </summary>
    public string ResolveEncryptedPath(string? explicitPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return System.IO.Path.GetFullPath(explicitPath);
        var primary = System.IO.Path.Combine(_workingDir, EncryptedFileName);
        var nested = System.IO.Path.Combine(_workingDir, "config", EncryptedFileName);
        if (File.Exists(primary)) return primary;
        if (File.Exists(nested)) return nested;
        return primary;
    }

    /// <summary>The key-file locations searched (after --master-key and the environment), in order, without duplicates.</summary>
    public IReadOnlyList<string> KeyFileCandidates(string encryptedPath)
    {
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(encryptedPath)) ?? _workingDir;
        return new[]
        {
            System.IO.Path.Combine(dir, KeyFileName),
            System.IO.Path.Combine(_workingDir, KeyFileName),
            System.IO.Path.Combine(_workingDir, "config", KeyFileName),
        }.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Finds and validates the master key for <paramref name="encryptedPath"/>.
    /// Throws <see cref="CredentialsException"/> when none is found or the one found is malformed.
    /// </summary>
    public MasterKey ResolveKey(string encryptedPath, string? explicitKeyPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitKeyPath))
        {
            var path = System.IO.Path.GetFullPath(explicitKeyPath);
            if (!File.Exists(path)) throw new CredentialsException($"master key file not found: {path}");
            return LoadKeyFile(path, MasterKeySource.ExplicitFile);
        }

        var fromEnv = _environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return Create(fromEnv.Trim(), MasterKeySource.Environment, null, $"environment variable {EnvironmentVariable}");

        var candidates = KeyFileCandidates(encryptedPath);
        foreach (var candidate in candidates)
            if (File.Exists(candidate)) return LoadKeyFile(candidate, MasterKeySource.KeyFile);

        throw new CredentialsException(
            $"master key not found: set {EnvironmentVariable} or create {KeyFileName} (searched: {string.Join(", ", candidates)})");
    }

    internal static MasterKey LoadKeyFile(string path, MasterKeySource source)
    {
        string content;
        try { content = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsException($"cannot read master key file {path}: {e.Message}", e);
        }
        return Create(content.Trim(), source, path, path);
    }

    private static MasterKey Create(string hex, MasterKeySource source, string? path, string origin)
    {
        try { return new MasterKey(hex, source, path); }
        catch (CredentialsException e)
        {
            throw new CredentialsException($"{e.Message} (in {origin})", e);
        }
    }
}
