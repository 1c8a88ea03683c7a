using System.Security.Cryptography;
using System.Text;
using Nvoi.Credentials;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Nvoi.Tests.Credentials;

/// <summary>
/// deploy.enc written by CredentialStore opens with independent AES-256-GCM implementations of the same
/// layout (BouncyCastle's GcmBlockCipher; OpenSSL through Python's cryptography package, the library Ruby's
/// nvoi 0.2.0 uses too), and files they write open with CredentialStore.
/// </summary>
public class CipherInteropTests
{
    private const string Yaml = "application:\n  name: myapp\n  environment: production\n  secrets:\n    KEY: \"välue ✓\"\n";

    // Independent implementation of the file layout: nonce(12) ‖ ciphertext ‖ tag(16), no AAD.
    private static byte[] BcEncrypt(byte[] plaintext, byte[] key)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var gcm = new GcmBlockCipher(new AesEngine());
        gcm.Init(true, new AeadParameters(new KeyParameter(key), 128, nonce));
        var output = new byte[gcm.GetOutputSize(plaintext.Length)];
        var n = gcm.ProcessBytes(plaintext, 0, plaintext.Length, output, 0);
        gcm.DoFinal(output, n);
        return [.. nonce, .. output];
    }

    private static byte[] BcDecrypt(byte[] file, byte[] key)
    {
        var gcm = new GcmBlockCipher(new AesEngine());
        gcm.Init(false, new AeadParameters(new KeyParameter(key), 128, file[..12]));
        var body = file[12..];
        var output = new byte[gcm.GetOutputSize(body.Length)];
        var n = gcm.ProcessBytes(body, 0, body.Length, output, 0);
        gcm.DoFinal(output, n);
        return output;
    }

    [Fact]
    public void File_written_by_store_decrypts_with_bouncycastle_gcm()
    {
        using var dir = new TempDir();
        var store = CredentialStore.Initialize(dir["deploy.enc"], Yaml);
        var key = Convert.FromHexString(File.ReadAllText(dir["deploy.key"]).Trim());
        var plain = BcDecrypt(File.ReadAllBytes(dir["deploy.enc"]), key);
        Assert.Equal(Yaml, Encoding.UTF8.GetString(plain));
        Assert.Equal(dir["deploy.enc"], store.EncryptedPath);
    }

    [Fact]
    public void File_written_by_bouncycastle_gcm_opens_with_store()
    {
        using var dir = new TempDir();
        var hex = CredentialCipher.GenerateKey();
        File.WriteAllText(dir["deploy.key"], hex + "\n");
        File.WriteAllBytes(dir["deploy.enc"], BcEncrypt(Encoding.UTF8.GetBytes(Yaml), Convert.FromHexString(hex)));
        var store = CredentialStore.Open(dir.Path, environment: _ => null);
        Assert.Equal(Yaml, store.Read());
    }

    private const string OpenSslScript = """
        import os, sys
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        key = bytes.fromhex(os.environ["NVOI_TEST_KEY"])
        mode, src, dst = sys.argv[1:4]
        data = open(src, "rb").read()
        if mode == "decrypt":
            out = AESGCM(key).decrypt(data[:12], data[12:], None)
        else:
            nonce = os.urandom(12)
            out = nonce + AESGCM(key).encrypt(nonce, data, None)
        open(dst, "wb").write(out)
        """;

    private static void OpenSsl(string mode, string hex, string src, string dst)
    {
        var r = ExternalTool.Run("/usr/bin/python3", ["-c", OpenSslScript, mode, src, dst],
            new Dictionary<string, string> { ["NVOI_TEST_KEY"] = hex });
        Assert.True(r.ExitCode == 0, $"python3 (OpenSSL AES-GCM) failed: {r.Stderr}");
    }

    [Fact]
    public void File_written_by_store_decrypts_with_openssl()
    {
        using var dir = new TempDir();
        CredentialStore.Initialize(dir["deploy.enc"], Yaml);
        OpenSsl("decrypt", File.ReadAllText(dir["deploy.key"]).Trim(), dir["deploy.enc"], dir["plain.yml"]);
        Assert.Equal(Yaml, File.ReadAllText(dir["plain.yml"]));
    }

    [Fact]
    public void File_written_by_openssl_opens_with_store()
    {
        using var dir = new TempDir();
        var hex = CredentialCipher.GenerateKey();
        File.WriteAllText(dir["deploy.key"], hex + "\n");
        File.WriteAllText(dir["plain.yml"], Yaml);
        OpenSsl("encrypt", hex, dir["plain.yml"], dir["deploy.enc"]);
        Assert.Equal(Yaml, CredentialStore.Open(dir.Path, environment: _ => null).Read());
    }
}
