using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;

namespace Nvoi.Credentials;

/// <summary>An SSH key pair: an unencrypted OpenSSH private key (PEM text) and its one-line public key.</summary>
public sealed record SshKeyPair(string PrivateKey, string PublicKey)
{
    /// <summary>The public key's SHA256 fingerprint, as OpenSSH prints it.</summary>
    public string Fingerprint => SshKeyGenerator.Fingerprint(PublicKey);

    /// <summary>Names the public key only; the private key is never printed.</summary>
    public override string ToString() => $"SshKeyPair {{ PublicKey = {PublicKey} }}";
}

/// <summary>
/// Generates ed25519 key pairs in OpenSSH's own formats (openssh-key-v1 private key, "ssh-ed25519 AAAA... comment"
/// public key). Used for the deploy key (comment "nvoi-deploy") and for server host keys.
/// </summary>
public static class SshKeyGenerator
{
    /// <summary>The comment of the deploy key generated at first run.</summary>
    public const string DeployKeyComment = "nvoi-deploy";

    private const string KeyType = "ssh-ed25519";
    private const string Begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private const string End = "-----END OPENSSH PRIVATE KEY-----";

    /// <summary>A fresh ed25519 key pair whose private and public key carry <paramref name="comment"/>.</summary>
    public static SshKeyPair GenerateEd25519(string comment = DeployKeyComment)
    {
        ArgumentNullException.ThrowIfNull(comment);
        if (comment.AsSpan().IndexOfAny('\r', '\n') >= 0)
            throw new ArgumentException("an SSH key comment must be a single line", nameof(comment));

        var seed = RandomNumberGenerator.GetBytes(32);
        var privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        var publicKey = privateKey.GeneratePublicKey().GetEncoded();

        var publicBlob = PublicBlob(publicKey);
        var publicLine = $"{KeyType} {Convert.ToBase64String(publicBlob)}" + (comment.Length > 0 ? " " + comment : "");

        var secret = new byte[64]; // OpenSSH stores seed ‖ public key
        seed.CopyTo(secret, 0);
        publicKey.CopyTo(secret, 32);
        try
        {
            return new SshKeyPair(Armor(PrivateKeyFile(publicBlob, publicKey, secret, comment)), publicLine);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// "SHA256:" + unpadded base64 of the SHA-256 of the key blob, as <c>ssh-keygen -l</c> prints it.
    /// Accepts a public key line ("type base64 [comment]").
    /// </summary>
    public static string Fingerprint(string publicKeyLine)
    {
        ArgumentNullException.ThrowIfNull(publicKeyLine);
        var parts = publicKeyLine.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        byte[] blob;
        try
        {
            if (parts.Length < 2) throw new FormatException();
            blob = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            throw new CredentialsException("invalid SSH public key: expected \"TYPE BASE64 [COMMENT]\"");
        }
        return "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
    }

    private static byte[] PublicBlob(byte[] publicKey)
    {
        var w = new SshWriter();
        w.String(KeyType);
        w.String(publicKey);
        return w.ToArray();
    }

    // openssh-key-v1 (OpenSSH PROTOCOL.key), unencrypted: cipher "none", kdf "none", one key.
    private static byte[] PrivateKeyFile(byte[] publicBlob, byte[] publicKey, byte[] secret, string comment)
    {
        var inner = new SshWriter();
        var check = BinaryPrimitives.ReadUInt32BigEndian(RandomNumberGenerator.GetBytes(4));
        inner.UInt32(check);
        inner.UInt32(check);
        inner.String(KeyType);
        inner.String(publicKey);
        inner.String(secret);
        inner.String(Encoding.UTF8.GetBytes(comment));
        for (byte pad = 1; inner.Length % 8 != 0; pad++) inner.Byte(pad);

        var outer = new SshWriter();
        outer.Raw(Encoding.ASCII.GetBytes("openssh-key-v1\0"));
        outer.String("none");
        outer.String("none");
        outer.String(Array.Empty<byte>());
        outer.UInt32(1);
        outer.String(publicBlob);
        var innerBytes = inner.ToArray();
        outer.String(innerBytes);
        CryptographicOperations.ZeroMemory(innerBytes);
        inner.Clear();
        return outer.ToArray();
    }

    private static string Armor(byte[] data)
    {
        var b64 = Convert.ToBase64String(data);
        CryptographicOperations.ZeroMemory(data);
        var sb = new StringBuilder(Begin).Append('\n');
        for (var i = 0; i < b64.Length; i += 70)
            sb.Append(b64, i, Math.Min(70, b64.Length - i)).Append('\n');
        return sb.Append(End).Append('\n').ToString();
    }

    private sealed class SshWriter
    {
        private readonly MemoryStream _buffer = new();
        public long Length => _buffer.Length;
        public void Byte(byte b) => _buffer.WriteByte(b);
        public void Raw(byte[] bytes) => _buffer.Write(bytes);
        public void UInt32(uint value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b, value);
            _buffer.Write(b);
        }
        public void String(string s) => String(Encoding.ASCII.GetBytes(s));
        public void String(byte[] bytes) { UInt32((uint)bytes.Length); _buffer.Write(bytes); }
        public byte[] ToArray() => _buffer.ToArray();
        public void Clear() { CryptographicOperations.ZeroMemory(_buffer.GetBuffer()); _buffer.SetLength(0); }
    }
}
