using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Nvoi.Remote;

/// <summary>
/// An SSH public host key: the key type (from inside the blob) and the wire-format blob.
/// Compared by value; the comment of an OpenSSH public key line is dropped.
/// </summary>
public sealed class HostKey : IEquatable<HostKey>
{
    private readonly byte[] _blob;

    private HostKey(string type, byte[] blob)
    {
        Type = type;
        _blob = blob;
    }

    /// <summary>The key type, e.g. <c>ssh-ed25519</c>.</summary>
    public string Type { get; }

    /// <summary>The public key blob as sent by the server.</summary>
    public ReadOnlySpan<byte> Blob => _blob;

    /// <summary>The OpenSSH fingerprint, <c>SHA256:</c> + unpadded base64 of SHA-256(blob).</summary>
    public string Fingerprint => "SHA256:" + Convert.ToBase64String(SHA256.HashData(_blob)).TrimEnd('=');

    /// <summary>Builds a key from the blob a server sent; the type is read from the blob.</summary>
    public static HostKey FromBlob(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 4)
        {
            throw new FormatException("An SSH public key blob is too short.");
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        if (length == 0 || length > 64 || 4 + length > blob.Length)
        {
            throw new FormatException("An SSH public key blob has no key type.");
        }
        var type = Encoding.ASCII.GetString(blob.Slice(4, (int)length));
        return new HostKey(type, blob.ToArray());
    }

    /// <summary>Parses an OpenSSH public key line, <c>ssh-ed25519 AAAA... [comment]</c>.</summary>
    public static HostKey Parse(string publicKeyLine)
    {
        ArgumentNullException.ThrowIfNull(publicKeyLine);
        var parts = publicKeyLine.Trim().Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            throw new FormatException("A public key line needs a type and base64 data.");
        }
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            throw new FormatException("A public key line has invalid base64 data.");
        }
        var key = FromBlob(blob);
        if (key.Type != parts[0])
        {
            throw new FormatException($"A public key line says {parts[0]} but holds a {key.Type} key.");
        }
        return key;
    }

    /// <summary>Parses like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? publicKeyLine, out HostKey? key)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(publicKeyLine))
        {
            return false;
        }
        try
        {
            key = Parse(publicKeyLine);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The OpenSSH public key line without comment: <c>type base64</c>.</summary>
    public override string ToString() => Type + " " + Convert.ToBase64String(_blob);

    /// <inheritdoc/>
    public bool Equals(HostKey? other) =>
        other is not null && Type == other.Type && _blob.AsSpan().SequenceEqual(other._blob);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as HostKey);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Type, _blob.Length, _blob.Length > 8 ? BitConverter.ToInt64(_blob, _blob.Length - 8) : 0);
}
