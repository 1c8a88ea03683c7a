using Nvoi.Credentials;

namespace Nvoi.Tests.Credentials;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class CredentialStoreTests
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const string Yaml = "application:\n  name: myapp\n";

    [Fact]
    public void Initialize_then_open_round_trips_and_writes_0600_files()
    {
        using var dir = new TempDir();
        var store = CredentialStore.Initialize(dir["deploy.enc"], Yaml);
        Assert.Equal(dir["deploy.key"], store.KeyPath);
        Assert.Equal(MasterKeySource.Generated, store.Key.Source);
        Assert.Matches("^[0-9a-f]{64}\n$", File.ReadAllText(dir["deploy.key"]));
        Assert.Equal(Mode0600, File.GetUnixFileMode(dir["deploy.key"]));
        Assert.Equal(Mode0600, File.GetUnixFileMode(dir["deploy.enc"]));
        Assert.False(File.Exists(dir["deploy.enc.tmp"]));

        var reopened = CredentialStore.Open(dir.Path, environment: _ => null);
        Assert.Equal(Yaml, reopened.Read());
        reopened.Write("application:\n  name: other ✓\n");
        Assert.Equal("application:\n  name: other ✓\n", store.Read());
        Assert.Equal(Mode0600, File.GetUnixFileMode(dir["deploy.enc"]));
    }

    [Fact]
    public void A_write_through_a_symlinked_deploy_enc_replaces_the_target_and_keeps_the_link()
    {
        using var dir = new TempDir();
        var target = CredentialStore.Initialize(dir["secrets/deploy.enc"], Yaml);
        File.CreateSymbolicLink(dir["middle.enc"], dir["secrets/deploy.enc"]);
        File.CreateSymbolicLink(dir["deploy.enc"], "middle.enc"); // a relative link to a link
        var viaLink = new CredentialStore(dir["deploy.enc"], target.Key);

        viaLink.Write("application:\n  name: through-the-link\n");

        Assert.Equal("middle.enc", new FileInfo(dir["deploy.enc"]).LinkTarget);
        Assert.Equal(dir["secrets/deploy.enc"], new FileInfo(dir["middle.enc"]).LinkTarget);
        Assert.Null(new FileInfo(dir["secrets/deploy.enc"]).LinkTarget);
        Assert.Equal("application:\n  name: through-the-link\n", target.Read());
        Assert.Equal(Mode0600, File.GetUnixFileMode(dir["secrets/deploy.enc"]));
        Assert.False(File.Exists(dir["deploy.enc.tmp"]));
        Assert.False(File.Exists(dir["secrets/deploy.enc.tmp"]));
        // The lock of every path to the file is the target's.
        Assert.Equal(dir["secrets/deploy.enc.lock"], CredentialLock.PathFor(dir["deploy.enc"]));
    }

    [Fact]
    public void Initialize_beside_a_nested_enc_puts_the_key_there()
    {
        using var dir = new TempDir();
        CredentialStore.Initialize(dir["config/deploy.enc"], Yaml);
        Assert.True(File.Exists(dir["config/deploy.key"]));
        Assert.Equal(Yaml, CredentialStore.Open(dir.Path, environment: _ => null).Read());
    }

    [Fact]
    public void Initialize_refuses_to_overwrite_unless_asked()
    {
        using var dir = new TempDir();
        dir.Write("deploy.key", "keep me");
        var e = Assert.Throws<CredentialsException>(() => CredentialStore.Initialize(dir["deploy.enc"], Yaml));
        Assert.Equal($"master key file already exists: {dir["deploy.key"]} (refusing to overwrite it)", e.Message);
        Assert.Equal("keep me", File.ReadAllText(dir["deploy.key"]));
        Assert.False(File.Exists(dir["deploy.enc"]));

        File.Delete(dir["deploy.key"]);
        dir.Write("deploy.enc", "old");
        e = Assert.Throws<CredentialsException>(() => CredentialStore.Initialize(dir["deploy.enc"], Yaml));
        Assert.Equal($"credentials file already exists: {dir["deploy.enc"]} (refusing to overwrite it)", e.Message);
        Assert.False(File.Exists(dir["deploy.key"]));

        var store = CredentialStore.Initialize(dir["deploy.enc"], Yaml, overwrite: true);
        Assert.Equal(Yaml, store.Read());
        Assert.Equal(Mode0600, File.GetUnixFileMode(dir["deploy.key"]));
        Assert.False(File.Exists(dir["deploy.key.tmp"]));
    }

    [Fact]
    public void Initialize_removes_the_new_key_when_the_enc_cannot_be_written()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<CredentialsException>(() => CredentialStore.Initialize(dir["deploy.enc"], Yaml, false,
            (stage, _) => { if (stage == "rename") throw new IOException("injected rename failure"); }));
        Assert.Contains("injected rename failure", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Initialize_with_overwrite_keeps_old_key_and_file_when_the_enc_cannot_be_written()
    {
        using var dir = new TempDir();
        var old = CredentialStore.Initialize(dir["deploy.enc"], Yaml);
        var oldKey = File.ReadAllText(dir["deploy.key"]);
        var oldEnc = File.ReadAllBytes(dir["deploy.enc"]);
        Assert.Throws<CredentialsException>(() => CredentialStore.Initialize(dir["deploy.enc"], "new", true,
            (stage, _) => { if (stage == "written") throw new IOException("injected"); }));
        Assert.Equal(oldKey, File.ReadAllText(dir["deploy.key"]));
        Assert.Equal(oldEnc, File.ReadAllBytes(dir["deploy.enc"]));
        Assert.Equal(["deploy.enc", "deploy.key"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal(Yaml, CredentialStore.Open(dir.Path, environment: _ => null).Read());
        Assert.Equal(Yaml, old.Read());
    }

    [Fact]
    public void Initialize_with_overwrite_keeps_the_staged_key_when_it_cannot_be_moved_in()
    {
        using var dir = new TempDir();
        dir.Write("deploy.key/occupied", "x"); // a non-empty directory: the key rename fails after deploy.enc is written
        var e = Assert.Throws<CredentialsException>(() => CredentialStore.Initialize(dir["deploy.enc"], Yaml, overwrite: true));
        Assert.StartsWith($"{dir["deploy.enc"]} was written but its new key could not be moved into place: rename {dir["deploy.key.tmp"]} to {dir["deploy.key"]}", e.Message);
        var staged = CredentialStore.Open(dir.Path, masterKeyPath: dir["deploy.key.tmp"], environment: _ => null);
        Assert.Equal(Yaml, staged.Read());
    }

    [Theory]
    [InlineData("written")]
    [InlineData("rename")]
    public void Failed_write_leaves_the_original_untouched_and_removes_the_tmp(string failAt)
    {
        using var dir = new TempDir();
        var store = CredentialStore.Initialize(dir["deploy.enc"], Yaml);
        var before = File.ReadAllBytes(dir["deploy.enc"]);
        UnixFileMode? tmpMode = null;
        store.Fault = (stage, tmp) =>
        {
            tmpMode ??= File.GetUnixFileMode(tmp);
            if (stage == failAt) throw new IOException("No space left on device (injected)");
        };
        var e = Assert.Throws<CredentialsException>(() => store.Write("application:\n  name: changed\n"));
        Assert.Equal($"cannot write {dir["deploy.enc"]}: No space left on device (injected)", e.Message);
        Assert.Equal(before, File.ReadAllBytes(dir["deploy.enc"]));
        Assert.False(File.Exists(dir["deploy.enc.tmp"]));
        Assert.Equal(Mode0600, tmpMode);
        Assert.Equal(Yaml, store.Read());
    }

    [Fact]
    public void Real_rename_failure_leaves_target_and_removes_tmp()
    {
        using var dir = new TempDir();
        var store = new CredentialStore(dir["deploy.enc"], new MasterKey(new string('a', 64), MasterKeySource.Generated, null));
        dir.Write("deploy.enc/occupied", "x"); // a non-empty directory cannot be replaced by a file
        var e = Assert.Throws<CredentialsException>(() => store.Write(Yaml));
        Assert.StartsWith($"cannot write {dir["deploy.enc"]}: ", e.Message);
        Assert.Equal("x", File.ReadAllText(dir["deploy.enc/occupied"]));
        Assert.False(File.Exists(dir["deploy.enc.tmp"]));
    }

    [Fact]
    public void Unwritable_tmp_path_fails_without_touching_the_original()
    {
        using var dir = new TempDir();
        var store = CredentialStore.Initialize(dir["deploy.enc"], Yaml);
        var before = File.ReadAllBytes(dir["deploy.enc"]);
        Directory.CreateDirectory(dir["deploy.enc.tmp"]);
        Assert.Throws<CredentialsException>(() => store.Write("changed"));
        Assert.Equal(before, File.ReadAllBytes(dir["deploy.enc"]));
        Assert.True(Directory.Exists(dir["deploy.enc.tmp"]));
    }

    [Fact]
    public void Stale_world_readable_tmp_is_replaced_by_a_fresh_0600_file()
    {
        using var dir = new TempDir();
        var store = CredentialStore.Initialize(dir["deploy.enc"], Yaml);
        dir.Write("deploy.enc.tmp", "stale");
        File.SetUnixFileMode(dir["deploy.enc.tmp"], Mode0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        UnixFileMode? tmpMode = null;
        store.Fault = (stage, tmp) => tmpMode ??= File.GetUnixFileMode(tmp);
        store.Write("fresh");
        Assert.Equal(Mode0600, tmpMode);
        Assert.Equal("fresh", store.Read());
        Assert.Equal(Mode0600, File.GetUnixFileMode(dir["deploy.enc"]));
    }

    [Fact]
    public void Read_errors_are_one_line_credentials_errors()
    {
        using var dir = new TempDir();
        var key = new MasterKey(new string('a', 64), MasterKeySource.Generated, null);
        var e = Assert.Throws<CredentialsException>(() => new CredentialStore(dir["deploy.enc"], key).Read());
        Assert.Equal($"credentials file not found: {dir["deploy.enc"]}", e.Message);

        File.WriteAllBytes(dir["deploy.enc"], new byte[5]);
        e = Assert.Throws<CredentialsException>(() => new CredentialStore(dir["deploy.enc"], key).Read());
        Assert.Equal("ciphertext too short: need at least 28 bytes, got 5", e.Message);

        File.WriteAllBytes(dir["deploy.enc"], CredentialCipher.Encrypt([0xff, 0xfe, 0x41], key.Hex));
        e = Assert.Throws<CredentialsException>(() => new CredentialStore(dir["deploy.enc"], key).Read());
        Assert.Equal($"credentials in {dir["deploy.enc"]} are not valid UTF-8 text", e.Message);
    }

    [Fact]
    public void Open_with_wrong_key_reports_decryption_failure()
    {
        using var dir = new TempDir();
        CredentialStore.Initialize(dir["deploy.enc"], Yaml);
        var e = Assert.Throws<CredentialsException>(() =>
            CredentialStore.Open(dir.Path, environment: _ => new string('0', 64)).Read());
        Assert.Equal("decryption failed (wrong key or corrupted data)", e.Message);
    }
}
