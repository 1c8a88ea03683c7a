using System.Text;
using CsCheck;
using Nvoi.Credentials;

namespace Nvoi.Tests.Credentials;

public class CipherPropertyTests
{
    private static readonly Gen<string> HexKey = Gen.Byte.Array[32].Select(b => Convert.ToHexStringLower(b));

    [Fact]
    public void Any_text_round_trips_through_the_cipher()
    {
        Gen.Select(Gen.String, HexKey).Sample((text, key) =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var file = CredentialCipher.Encrypt(bytes, key);
            return file.Length == bytes.Length + 28 && CredentialCipher.Decrypt(file, key).AsSpan().SequenceEqual(bytes);
        }, iter: 300);
    }

    [Fact]
    public void Any_single_bit_flip_anywhere_in_the_file_is_detected()
    {
        Gen.Select(Gen.Byte.Array[0, 200], HexKey, Gen.Int, Gen.Int[0, 7]).Sample((plain, key, pos, bit) =>
        {
            var file = CredentialCipher.Encrypt(plain, key);
            file[(int)((uint)pos % (uint)file.Length)] ^= (byte)(1 << bit);
            try { CredentialCipher.Decrypt(file, key); return false; }
            catch (CredentialsException e) { return e.Message == "decryption failed (wrong key or corrupted data)"; }
        }, iter: 300);
    }
}
