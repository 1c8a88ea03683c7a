using System.Text;

namespace Nvoi.Credentials;

/// <summary>
/// Reads and writes the encrypted credentials file (deploy.enc) with its master key.
/// Plaintext is UTF-8 text (the YAML config); writes are atomic.
/// </summary>
public sealed class CredentialStore
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A store for an existing or future deploy.enc with an already resolved key.</summary>
    public CredentialStore(string encryptedPath, MasterKey key)
    {
        EncryptedPath = Path.GetFullPath(encryptedPath);
        Key = key ?? throw new ArgumentNullException(nameof(key));
    }

    /// <summary>Full path of deploy.enc.</summary>
    public string EncryptedPath { get; }

    /// <summary>The master key and where it came from.</summary>
    public MasterKey Key { get; }

    /// <summary>The key file's path (null when the key came from NVOI_MASTER_KEY).</summary>
    public string? KeyPath => Key.Path;

    /// <summary>Whether deploy.enc exists.</summary>
    public bool Exists => File.Exists(EncryptedPath);

    /// <summary>Test seam for injecting write failures.</summary>
    internal AtomicFile.FaultHook? Fault { get; set; }

    /// <summary>
    /// Resolves deploy.enc and its key (see <see cref="KeyResolver"/>) and returns a store for them.
    /// Throws <see cref="CredentialsException"/> when no key is found.
    /// </summary>
    public static CredentialStore Open(string workingDir, string? encryptedPath = null, string? masterKeyPath = null,
        Func<string, string?>? environment = null)
    {
        var resolver = new KeyResolver(workingDir, environment);
        var enc = resolver.ResolveEncryptedPath(encryptedPath);
        return new CredentialStore(enc, resolver.ResolveKey(enc, masterKeyPath));
    }

    /// <summary>Decrypts deploy.enc and returns its text.</summary>
    public string Read()
    {
        byte[] file;
        try { file = File.ReadAllBytes(EncryptedPath); }
        catch (FileNotFoundException e) { throw new CredentialsException($"credentials file not found: {EncryptedPath}", e); }
        catch (DirectoryNotFoundException e) { throw new CredentialsException($"credentials file not found: {EncryptedPath}", e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsException($"cannot read {EncryptedPath}: {e.Message}", e);
        }

        var plaintext = CredentialCipher.Decrypt(file, Key.Hex);
        try { return StrictUtf8.GetString(plaintext); }
        catch (DecoderFallbackException e)
        {
            throw new CredentialsException($"credentials in {EncryptedPath} are not valid UTF-8 text", e);
        }
    }

    /// <summary>
    /// Takes the exclusive lock of deploy.enc (<see cref="CredentialLock"/>, file deploy.enc.lock); hold it across
    /// a <see cref="Read"/> and the <see cref="Write"/> that follows so no other writer's change is lost.
    /// </summary>
    public CredentialLock Lock(Action<string>? onWait = null) => CredentialLock.Acquire(EncryptedPath, onWait);

    /// <summary>Encrypts <paramref name="plaintext"/> (UTF-8, no BOM) and replaces deploy.enc atomically.</summary>
    public void Write(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var bytes = CredentialCipher.Encrypt(StrictUtf8.GetBytes(plaintext), Key.Hex);
        AtomicFile.Write(EncryptedPath, bytes, Fault);
    }

    /// <summary>
    /// First run: generates a master key, writes it to deploy.key (mode 0600) beside
    /// <paramref name="encryptedPath"/>, then writes the encrypted <paramref name="plaintext"/>.
    /// Refuses when deploy.key or deploy.enc already exists unless <paramref name="overwrite"/>.
    /// If the encrypted file cannot be written, the new key is removed (and with overwrite, the old key and file stay).
    /// </summary>
    public static CredentialStore Initialize(string encryptedPath, string plaintext, bool overwrite = false)
        => Initialize(encryptedPath, plaintext, overwrite, fault: null);

    internal static CredentialStore Initialize(string encryptedPath, string plaintext, bool overwrite, AtomicFile.FaultHook? fault)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var enc = Path.GetFullPath(encryptedPath);
        var dir = Path.GetDirectoryName(enc)!;
        var keyPath = Path.Combine(dir, KeyResolver.KeyFileName);
        if (!overwrite)
        {
            if (File.Exists(enc))
                throw new CredentialsException($"credentials file already exists: {enc} (refusing to overwrite it)");
            if (File.Exists(keyPath))
                throw new CredentialsException($"master key file already exists: {keyPath} (refusing to overwrite it)");
        }

        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsException($"cannot create directory {dir}: {e.Message}", e);
        }
        var hex = CredentialCipher.GenerateKey();
        var store = new CredentialStore(enc, new MasterKey(hex, MasterKeySource.Generated, keyPath)) { Fault = fault };
        var keyBytes = Encoding.ASCII.GetBytes(hex + "\n");

        // Without overwrite the key is created in place (O_EXCL: a concurrent deploy.key is never clobbered).
        // With overwrite it is staged in deploy.key.tmp and only renamed in once deploy.enc is written,
        // so a failure leaves the old key and the old file matching each other.
        var stagedKey = overwrite ? keyPath + ".tmp" : keyPath;
        var created = false;
        try
        {
            if (overwrite && File.Exists(stagedKey)) File.Delete(stagedKey);
            using var stream = AtomicFile.CreateOwnerOnly(stagedKey);
            created = true;
            stream.Write(keyBytes);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (created) AtomicFile.TryDelete(stagedKey);
            else if (!overwrite && File.Exists(keyPath))
                throw new CredentialsException($"master key file already exists: {keyPath} (refusing to overwrite it)", e);
            throw new CredentialsException($"cannot write master key file {stagedKey}: {e.Message}", e);
        }

        try
        {
            store.Write(plaintext);
        }
        catch
        {
            AtomicFile.TryDelete(stagedKey);
            throw;
        }

        if (overwrite)
        {
            try { File.Move(stagedKey, keyPath, overwrite: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // deploy.enc is already encrypted with the staged key: keep it, never delete it here.
                throw new CredentialsException(
                    $"{enc} was written but its new key could not be moved into place: rename {stagedKey} to {keyPath} ({e.Message})", e);
            }
        }
        return store;
    }
}
