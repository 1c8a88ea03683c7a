using System.Security.Cryptography;

namespace Nvoi.Credentials;

/// <summary>
/// The deploy.enc format of nvoi 0.2.0: AES-256-GCM, file = 12-byte random nonce ‖ ciphertext ‖ 16-byte tag,
/// no associated data, key = the 32 bytes of a 64-character hex string.
/// </summary>
public static class CredentialCipher
{
    /// <summary>Nonce length in bytes.</summary>
    public const int NonceSize = 12;
    /// <summary>Authentication tag length in bytes.</summary>
    public const int TagSize = 16;
    /// <summary>Key length in bytes.</summary>
    public const int KeySize = 32;
    /// <summary>Key length in hex characters.</summary>
    public const int KeyHexLength = KeySize * 2;

    /// <summary>A new random key as 64 lowercase hex characters (no newline).</summary>
    public static string GenerateKey()
    {
        Span<byte> key = stackalloc byte[KeySize];
        RandomNumberGenerator.Fill(key);
        try { return Convert.ToHexStringLower(key); }
        finally { CryptographicOperations.ZeroMemory(key); }
    }

    /// <summary>Checks a hex key's length and alphabet; throws <see cref="CredentialsException"/> if it is wrong.</summary>
    public static void ValidateKey(string hexKey)
    {
        ArgumentNullException.ThrowIfNull(hexKey);
        if (hexKey.Length != KeyHexLength)
            throw new CredentialsException($"invalid key length: expected {KeyHexLength} hex characters, got {hexKey.Length}");
        foreach (var c in hexKey)
            if (!char.IsAsciiHexDigit(c))
                throw new CredentialsException("invalid hex key: contains non-hex characters");
    }

    /// <summary>Encrypts <paramref name="plaintext"/> with a fresh random nonce.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, string hexKey)
    {
        var key = DecodeKey(hexKey);
        try
        {
            var output = new byte[NonceSize + plaintext.Length + TagSize];
            var nonce = output.AsSpan(0, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length));
            return output;
        }
        finally { CryptographicOperations.ZeroMemory(key); }
    }

    /// <summary>Decrypts a whole deploy.enc file; throws <see cref="CredentialsException"/> on a bad key or file.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> file, string hexKey)
    {
        var key = DecodeKey(hexKey);
        try
        {
            const int min = NonceSize + TagSize;
            if (file.Length < min)
                throw new CredentialsException($"ciphertext too short: need at least {min} bytes, got {file.Length}");
            var nonce = file[..NonceSize];
            var tag = file[^TagSize..];
            var ciphertext = file[NonceSize..^TagSize];
            var plaintext = new byte[ciphertext.Length];
            using var aes = new AesGcm(key, TagSize);
            try
            {
                aes.Decrypt(nonce, ciphertext, tag, plaintext);
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new CredentialsException("decryption failed (wrong key or corrupted data)", e);
            }
            return plaintext;
        }
        finally { CryptographicOperations.ZeroMemory(key); }
    }

    private static byte[] DecodeKey(string hexKey)
    {
        ValidateKey(hexKey);
        return Convert.FromHexString(hexKey);
    }
}
