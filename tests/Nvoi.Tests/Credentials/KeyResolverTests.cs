using Nvoi.Credentials;

namespace Nvoi.Tests.Credentials;

public class KeyResolverTests
{
    private static readonly string K1 = new('1', 64), K2 = new('2', 64), K3 = new('3', 64), K4 = new('4', 64), K5 = new('5', 64);

    [Fact]
    public void Key_lookup_follows_the_0_2_0_order_level_by_level()
    {
        using var dir = new TempDir();
        var enc = dir.Write("secrets/deploy.enc", "");
        var explicitKey = dir.Write("elsewhere/my.key", K1 + "\n");
        var beside = dir.Write("secrets/deploy.key", $"  {K3}\n\n");
        var working = dir.Write("deploy.key", K4);
        var config = dir.Write("config/deploy.key", K5 + "\n");
        var env = new Dictionary<string, string?> { [KeyResolver.EnvironmentVariable] = K2 };
        var resolver = new KeyResolver(dir.Path, n => env.GetValueOrDefault(n));

        var key = resolver.ResolveKey(enc, explicitKey);
        Assert.Equal((K1, MasterKeySource.ExplicitFile, explicitKey), (key.Hex, key.Source, key.Path));

        key = resolver.ResolveKey(enc);
        Assert.Equal((K2, MasterKeySource.Environment, (string?)null), (key.Hex, key.Source, key.Path));

        env.Clear();
        key = resolver.ResolveKey(enc);
        Assert.Equal((K3, MasterKeySource.KeyFile, beside), (key.Hex, key.Source, key.Path));

        File.Delete(beside);
        key = resolver.ResolveKey(enc);
        Assert.Equal((K4, working), (key.Hex, key.Path));

        File.Delete(working);
        key = resolver.ResolveKey(enc);
        Assert.Equal((K5, config), (key.Hex, key.Path));

        File.Delete(config);
        var e = Assert.Throws<CredentialsException>(() => resolver.ResolveKey(enc));
        Assert.StartsWith("master key not found: set NVOI_MASTER_KEY or create deploy.key (searched: ", e.Message);
        Assert.Contains(beside, e.Message);
        Assert.Contains(working, e.Message);
        Assert.Contains(config, e.Message);
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
    }

    [Fact]
    public void Blank_environment_variable_is_ignored_and_env_value_is_trimmed()
    {
        using var dir = new TempDir();
        dir.Write("deploy.key", K4);
        var enc = dir["deploy.enc"];
        Assert.Equal(K4, new KeyResolver(dir.Path, _ => "  ").ResolveKey(enc).Hex);
        Assert.Equal(K2, new KeyResolver(dir.Path, _ => K2 + "\n").ResolveKey(enc).Hex);
    }

    [Fact]
    public void Key_beside_enc_in_working_dir_is_searched_once()
    {
        using var dir = new TempDir();
        var candidates = new KeyResolver(dir.Path, _ => null).KeyFileCandidates(dir["deploy.enc"]);
        Assert.Equal([dir["deploy.key"], dir["config/deploy.key"]], candidates);
    }

    [Fact]
    public void Malformed_keys_name_their_source_but_not_the_value()
    {
        using var dir = new TempDir();
        var bad = dir.Write("deploy.key", "abc\n");
        var e = Assert.Throws<CredentialsException>(() => new KeyResolver(dir.Path, _ => null).ResolveKey(dir["deploy.enc"]));
        Assert.Equal($"invalid key length: expected 64 hex characters, got 3 (in {bad})", e.Message);

        var envKey = new string('z', 64);
        e = Assert.Throws<CredentialsException>(() => new KeyResolver(dir.Path, _ => envKey).ResolveKey(dir["deploy.enc"]));
        Assert.Equal("invalid hex key: contains non-hex characters (in environment variable NVOI_MASTER_KEY)", e.Message);
        Assert.DoesNotContain(envKey, e.ToString());
    }

    [Fact]
    public void Missing_explicit_key_file_is_an_error_even_if_others_exist()
    {
        using var dir = new TempDir();
        dir.Write("deploy.key", K4);
        var e = Assert.Throws<CredentialsException>(() =>
            new KeyResolver(dir.Path, _ => null).ResolveKey(dir["deploy.enc"], dir["nope.key"]));
        Assert.Equal($"master key file not found: {dir["nope.key"]}", e.Message);
    }

    [Fact]
    public void Encrypted_file_lookup_explicit_then_working_dir_then_config()
    {
        using var dir = new TempDir();
        var resolver = new KeyResolver(dir.Path, _ => null);
        Assert.Equal(dir["deploy.enc"], resolver.ResolveEncryptedPath());
        var nested = dir.Write("config/deploy.enc", "x");
        Assert.Equal(nested, resolver.ResolveEncryptedPath());
        var top = dir.Write("deploy.enc", "x");
        Assert.Equal(top, resolver.ResolveEncryptedPath());
        Assert.Equal(dir["other/x.enc"], resolver.ResolveEncryptedPath(dir["other/x.enc"]));
    }

    [Fact]
    public void Master_key_to_string_never_shows_the_key()
    {
        using var dir = new TempDir();
        dir.Write("deploy.key", K4);
        var key = new KeyResolver(dir.Path, _ => null).ResolveKey(dir["deploy.enc"]);
        Assert.Equal($"master key from {dir["deploy.key"]}", key.ToString());
        Assert.Equal("master key from environment variable NVOI_MASTER_KEY", new KeyResolver(dir.Path, _ => K2).ResolveKey(dir["deploy.enc"]).ToString());
    }
}
