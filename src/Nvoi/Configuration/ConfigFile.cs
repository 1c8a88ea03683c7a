using Nvoi.Credentials;

namespace Nvoi.Configuration;

/// <summary>
/// The config document on disk: deploy.enc (encrypted, see Credentials/) or a plaintext
/// .yml/.yaml whose $VAR values come from the environment. Loads validated configs and writes
/// validated edits; never leaves a half-written file (writes are atomic) and never writes a
/// document that does not load.
/// </summary>
public sealed class ConfigFile
{
    private readonly CredentialStore? _store;
    private readonly Func<string, string?> _environment;

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    /// <summary>A .yml/.yaml file: read as plaintext, never written by nvoi.</summary>
    public bool IsPlaintext => _store is null;

    private ConfigFile(string path, CredentialStore? store, Func<string, string?> environment)
    {
        Path = path;
        _store = store;
        _environment = environment;
    }

    /// <summary>
    /// Finds the config (explicit path; else deploy.enc, then config/deploy.enc in the working
    /// directory) and, for deploy.enc, its key. Throws when there is none.
    /// </summary>
    public static ConfigFile Open(string workingDir, string? configPath, string? masterKeyPath, Func<string, string?> environment)
    {
        if (configPath is not null && ConfigSource.IsPlaintext(configPath))
        {
            if (!File.Exists(configPath)) throw new ConfigException("", $"config file not found: {configPath}");
            return new ConfigFile(configPath, null, environment);
        }
        var encrypted = new KeyResolver(workingDir, environment).ResolveEncryptedPath(configPath);
        if (!File.Exists(encrypted))
            throw new ConfigException("", $"no config found: {encrypted} does not exist. Create one with `nvoi onboard` or `nvoi config init --name NAME`");
        return new ConfigFile(encrypted, CredentialStore.Open(workingDir, encrypted, masterKeyPath, environment), environment);
    }

    /// <summary>Where a new deploy.enc would be created.</summary>
    public static string NewPath(string workingDir, string? configPath, Func<string, string?> environment) =>
        new KeyResolver(workingDir, environment).ResolveEncryptedPath(configPath);

    /// <summary>The document's text as stored (decrypted; variables not expanded).</summary>
    public string ReadText()
    {
        if (_store is not null) return _store.Read();
        try { return ConfigLoader.Decode(File.ReadAllBytes(Path)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException("", $"cannot read {Path}: {e.Message}");
        }
    }

    /// <summary>The config, validated, with the --branch override applied when given.</summary>
    public DeployConfig Load(string? branch = null) =>
        ConfigSource.FromText(ReadText(), IsPlaintext ? _environment : null, branch);

    /// <summary>
    /// Holds deploy.enc's exclusive lock (deploy.enc.lock beside it, see <see cref="CredentialLock"/>) for one
    /// read–modify–write: every writer reads and writes inside it. <paramref name="onWait"/> hears once that
    /// another nvoi holds it. A plaintext file has no lock (nvoi never writes it).
    /// </summary>
    public IDisposable Lock(Action<string>? onWait = null) => _store is null ? NoLock.Instance : _store.Lock(onWait);

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();
        public void Dispose() { }
    }

    /// <summary>
    /// Pins a server's host key: under the lock, re-reads the file and adds only this key, so edits made by
    /// others since the deploy loaded the config are kept.
    /// </summary>
    public Editing.EditedText PinHostKey(string server, string publicKey, Action<string>? onWait = null)
    {
        RequireWritable();
        using var _ = Lock(onWait);
        var edited = Editing.YamlPathEditor.Set(ReadText(), $"ssh_keys.host_keys.{server}", publicKey);
        WriteText(edited.Text);
        return edited;
    }

    /// <summary>The config as a `config … set|rm` edit starts from it: parsed, not yet complete.</summary>
    public DeployConfig LoadForEdit()
    {
        RequireWritable();
        return ConfigLoader.Parse(ReadText()).Config;
    }

    /// <summary>
    /// Validates an edited config (allowing sections not yet configured) and writes it over the current text,
    /// changing only the entries the edit touched where it can (see <see cref="Editing.LayoutKeepingEdit"/>).
    /// Call it under <see cref="Lock"/>, as <see cref="LoadForEdit"/>.
    /// </summary>
    public Editing.EditedText SaveEdited(DeployConfig config)
    {
        RequireWritable();
        var edited = Editing.LayoutKeepingEdit.ForModel(ReadText(), config);
        EnsureValidForEdit(ConfigLoader.Parse(edited.Text));
        _store!.Write(edited.Text);
        return edited;
    }

    /// <summary>Validates YAML text as an edit (see <see cref="SaveEdited"/>) and writes it unchanged.</summary>
    public void WriteText(string text, bool complete = false)
    {
        RequireWritable();
        var loaded = ConfigLoader.Parse(text);
        if (complete) ConfigValidator.EnsureValid(loaded.Config, loaded);
        else EnsureValidForEdit(loaded);
        _store!.Write(text);
    }

    /// <summary>
    /// Every validation rule, except that the compute and domain providers may still be missing:
    /// `config init` writes a config without them, and `config provider set` adds them later.
    /// </summary>
    public static void EnsureValidForEdit(LoadedConfig loaded)
    {
        var errors = ConfigValidator.Validate(loaded.Config, loaded)
            .Where(e => !IsMissingSection(e, loaded.Config))
            .ToList();
        if (errors.Count > 0) throw new ConfigException(errors);
    }

    private static bool IsMissingSection(ConfigError error, DeployConfig config) =>
        (error.Path == "application.compute_provider" && config.Application.ComputeProvider is null) ||
        (error.Path == "application.domain_provider" && config.Application.DomainProvider?.Cloudflare is null);

    private void RequireWritable()
    {
        if (IsPlaintext)
            throw new ConfigException("", $"{Path} is a plaintext file: edit it with your editor (nvoi only writes deploy.enc)");
    }

    /// <summary>What <see cref="Create"/> made.</summary>
    public sealed record Created(string ConfigPath, string KeyPath, string PublicKey);

    /// <summary>
    /// Creates deploy.enc with a new deploy.key beside it (0600) and adds deploy.key to .gitignore.
    /// The text must load and pass the edit validation. Refuses to overwrite an existing file.
    /// </summary>
    public static Created Create(string workingDir, string encryptedPath, string text)
    {
        var loaded = ConfigLoader.Parse(text);
        EnsureValidForEdit(loaded);
        if (File.Exists(encryptedPath))
            throw new ConfigException("", $"{encryptedPath} already exists: edit it with `nvoi credentials edit` or `nvoi config … set`");
        var store = CredentialStore.Initialize(encryptedPath, text);
        GitIgnore.Ensure(workingDir);
        return new Created(store.EncryptedPath, store.KeyPath!, loaded.Config.Application.SshKeys?.PublicKey ?? "");
    }

    /// <summary>`config init`: a new config holding the name, environment and a fresh deploy key pair.</summary>
    public static Created Initialize(string workingDir, string encryptedPath, string name, string environment)
    {
        var keys = SshKeyGenerator.GenerateEd25519();
        var config = new DeployConfig
        {
            Application = new Application
            {
                Name = name,
                Environment = environment,
                SshKeys = new SshKeys { PrivateKey = keys.PrivateKey, PublicKey = keys.PublicKey },
            },
        };
        return Create(workingDir, encryptedPath, ConfigWriter.Write(config));
    }
}
