using System.Security.Cryptography;
using System.Text;
using Nvoi.Credentials;

namespace Nvoi.Cli.Tests;

/// <summary>Bad input through the real command line: one clear line, a non-zero exit, no stack trace, nothing written.</summary>
public class BadInputTests
{
    private static async Task<CliRun> InitializedAsync()
    {
        var run = new CliRun();
        Assert.Equal(0, (await run.RunAsync("config", "init", "--name", "myapp")).ExitCode);
        return run;
    }

    /// <summary>Replaces deploy.enc's plaintext (encrypted with its key) by the given bytes.</summary>
    private static void WritePlaintext(CliRun run, byte[] plaintext)
    {
        var key = File.ReadAllText(run.PathOf("deploy.key")).Trim();
        File.WriteAllBytes(run.PathOf("deploy.enc"), CredentialCipher.Encrypt(plaintext, key));
    }

    public static IEnumerable<object[]> Corpus() =>
    [
        ["malformed YAML", "application:\n  name: [unclosed\n", "malformed"],
        ["tabs", "application:\n\tname: myapp\n", "tab"],
        ["duplicate keys", "application:\n  name: a\n  name: b\n", "duplicate"],
        ["wrong type", "application:\n  name: myapp\n  keep_count: lots\n", "application.keep_count"],
        ["huge value", "application:\n  name: " + new string('a', 2_000_000) + "\n", "larger than"],
        ["shell metacharacters in a name", "application:\n  name: \"app;rm -rf /\"\n", "application.name"],
        ["unknown key", "application:\n  name: myapp\n  servrs: {}\n", "servrs"],
    ];

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_bad_config_gives_a_clear_error_and_changes_nothing(string what, string yaml, string expected)
    {
        using var run = await InitializedAsync();
        WritePlaintext(run, Encoding.UTF8.GetBytes(yaml));
        var before = File.ReadAllBytes(run.PathOf("deploy.enc"));
        foreach (var args in new[] { new[] { "config", "validate" }, ["config", "env", "set", "A", "b"], ["plan", "--sandbox"] })
        {
            var result = await run.RunAsync(args);
            Assert.True(result.ExitCode == 2, $"{what}: {string.Join(' ', args)} exited {result.ExitCode}: {result.Err}");
            Assert.Contains(expected, result.Err, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("   at ", result.Err);
            Assert.Equal(before, File.ReadAllBytes(run.PathOf("deploy.enc")));
        }
    }

    [Fact]
    public async Task Non_utf8_bytes_are_refused()
    {
        using var run = await InitializedAsync();
        WritePlaintext(run, [.. "application:\n  name: "u8, 0xff, 0xfe, (byte)'\n']);
        var result = await run.RunAsync("config", "validate");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("UTF-8", result.Err);
    }

    [Fact]
    public async Task The_stack_trace_appears_only_with_verbose()
    {
        using var run = await InitializedAsync();
        File.WriteAllText(run.PathOf("deploy.key"), "not-a-key\n");
        var quiet = await run.RunAsync("credentials", "show");
        Assert.Equal(2, quiet.ExitCode);
        Assert.Single(quiet.Err.Trim().Split('\n'));
        var verbose = await run.RunAsync("credentials", "show", "--verbose");
        Assert.Contains("   at ", verbose.Err);
    }

    [Theory]
    [InlineData("wrong key", "decryption failed (wrong key or corrupted data)")]
    [InlineData("wrong-length key", "invalid key length: expected 64 hex characters")]
    [InlineData("non-hex key", "invalid hex key: contains non-hex characters")]
    [InlineData("truncated file", "ciphertext too short")]
    [InlineData("tampered file", "decryption failed (wrong key or corrupted data)")]
    public async Task A_bad_key_or_file_gives_its_one_line_error(string what, string expected)
    {
        using var run = await InitializedAsync();
        switch (what)
        {
            case "wrong key": File.WriteAllText(run.PathOf("deploy.key"), CredentialCipher.GenerateKey() + "\n"); break;
            case "wrong-length key": File.WriteAllText(run.PathOf("deploy.key"), "abcd\n"); break;
            case "non-hex key": File.WriteAllText(run.PathOf("deploy.key"), new string('z', 64) + "\n"); break;
            case "truncated file": File.WriteAllBytes(run.PathOf("deploy.enc"), File.ReadAllBytes(run.PathOf("deploy.enc"))[..20]); break;
            case "tampered file":
                var bytes = File.ReadAllBytes(run.PathOf("deploy.enc"));
                bytes[bytes.Length / 2] ^= 0x01;
                File.WriteAllBytes(run.PathOf("deploy.enc"), bytes);
                break;
        }
        var before = File.ReadAllBytes(run.PathOf("deploy.enc"));
        var result = await run.RunAsync("credentials", "show");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Err);
        Assert.Single(result.Err.Trim().Split('\n'));
        Assert.Equal("", result.Out);
        var edit = await run.RunAsync("config", "env", "set", "A", "b");
        Assert.Equal(2, edit.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(run.PathOf("deploy.enc")));
    }

    [Fact]
    public async Task A_file_encrypted_independently_opens_with_credentials_show()
    {
        using var run = new CliRun();
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(run.PathOf("deploy.key"), Convert.ToHexStringLower(key) + "\n");
        var plaintext = "application:\n  name: interop\n";
        // The 0.2.0 layout, written by hand: 12-byte nonce, ciphertext, 16-byte tag, no AAD.
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[Encoding.UTF8.GetByteCount(plaintext)];
        var tag = new byte[16];
        using (var gcm = new AesGcm(key, 16)) gcm.Encrypt(nonce, Encoding.UTF8.GetBytes(plaintext), cipher, tag);
        File.WriteAllBytes(run.PathOf("deploy.enc"), [.. nonce, .. cipher, .. tag]);

        var result = await run.RunAsync("credentials", "show");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(plaintext, result.Out);
    }
}
