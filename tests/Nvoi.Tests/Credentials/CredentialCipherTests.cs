using System.Text;
using Nvoi.Credentials;

namespace Nvoi.Tests.Credentials;

public class CredentialCipherTests
{
    private static readonly string Key = new string('a', 32) + new string('0', 31) + "f";

    [Fact]
    public void Round_trip_with_layout_nonce_ciphertext_tag()
    {
        var plaintext = Encoding.UTF8.GetBytes("application:\n  name: café\n");
        var file = CredentialCipher.Encrypt(plaintext, Key);
        Assert.Equal(12 + plaintext.Length + 16, file.Length);
        Assert.Equal(plaintext, CredentialCipher.Decrypt(file, Key));
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_nonce()
    {
        var a = CredentialCipher.Encrypt("same"u8, Key);
        var b = CredentialCipher.Encrypt("same"u8, Key);
        Assert.NotEqual(a[..12], b[..12]);
    }

    [Fact]
    public void Empty_plaintext_is_28_bytes_and_round_trips()
    {
        var file = CredentialCipher.Encrypt(ReadOnlySpan<byte>.Empty, Key);
        Assert.Equal(28, file.Length);
        Assert.Empty(CredentialCipher.Decrypt(file, Key));
    }

    // Known answers from the GCM specification (McGrew & Viega), test cases 13 and 14: AES-256, zero key, zero IV.
    [Theory]
    [InlineData("", "", "530f8afbc74536b9a963b4f1c4cb738b")]
    [InlineData("00000000000000000000000000000000", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919")]
    public void Decrypts_gcm_spec_vectors(string plainHex, string cipherHex, string tagHex)
    {
        var file = Convert.FromHexString(new string('0', 24) + cipherHex + tagHex);
        Assert.Equal(Convert.FromHexString(plainHex), CredentialCipher.Decrypt(file, new string('0', 64)));
    }

    [Fact]
    public void Uppercase_hex_key_is_accepted_and_equals_lowercase()
    {
        var file = CredentialCipher.Encrypt("x"u8, Key.ToUpperInvariant());
        Assert.Equal("x"u8.ToArray(), CredentialCipher.Decrypt(file, Key));
    }

    [Fact]
    public void Generated_key_is_64_lowercase_hex_and_random()
    {
        var k1 = CredentialCipher.GenerateKey();
        var k2 = CredentialCipher.GenerateKey();
        Assert.Matches("^[0-9a-f]{64}$", k1);
        Assert.NotEqual(k1, k2);
    }

    [Fact]
    public void Wrong_key_fails_with_exact_message()
    {
        var file = CredentialCipher.Encrypt("secret"u8, Key);
        var e = Assert.Throws<CredentialsException>(() => CredentialCipher.Decrypt(file, new string('b', 64)));
        Assert.Equal("decryption failed (wrong key or corrupted data)", e.Message);
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(0)]
    public void Wrong_length_key_fails_with_exact_message(int length)
    {
        var key = new string('c', length);
        var e = Assert.Throws<CredentialsException>(() => CredentialCipher.Encrypt("x"u8, key));
        Assert.Equal($"invalid key length: expected 64 hex characters, got {length}", e.Message);
        e = Assert.Throws<CredentialsException>(() => CredentialCipher.Decrypt(new byte[40], key));
        Assert.Equal($"invalid key length: expected 64 hex characters, got {length}", e.Message);
    }

    [Fact]
    public void Non_hex_key_fails_with_exact_message_without_the_key()
    {
        var key = new string('a', 63) + "g";
        var e = Assert.Throws<CredentialsException>(() => CredentialCipher.Decrypt(new byte[40], key));
        Assert.Equal("invalid hex key: contains non-hex characters", e.Message);
        Assert.DoesNotContain(key, e.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(27)]
    public void Truncated_file_fails_with_exact_message(int length)
    {
        var e = Assert.Throws<CredentialsException>(() => CredentialCipher.Decrypt(new byte[length], Key));
        Assert.Equal($"ciphertext too short: need at least 28 bytes, got {length}", e.Message);
    }

    [Theory]
    [InlineData("nonce")]
    [InlineData("ciphertext")]
    [InlineData("tag")]
    public void Tampered_file_fails_with_exact_message(string where)
    {
        var file = CredentialCipher.Encrypt("application:\n  name: app\n"u8, Key);
        var index = where switch { "nonce" => 3, "ciphertext" => 12 + 5, _ => file.Length - 1 };
        file[index] ^= 0x01;
        var e = Assert.Throws<CredentialsException>(() => CredentialCipher.Decrypt(file, Key));
        Assert.Equal("decryption failed (wrong key or corrupted data)", e.Message);
    }

    [Fact]
    public void Messages_never_contain_the_key()
    {
        var file = CredentialCipher.Encrypt("x"u8, Key);
        file[^1] ^= 0xff;
        var e = Assert.Throws<CredentialsException>(() => CredentialCipher.Decrypt(file, Key));
        Assert.DoesNotContain(Key, e.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
