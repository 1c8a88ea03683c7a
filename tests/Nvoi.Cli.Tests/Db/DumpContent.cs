using System.Security.Cryptography;
using System.Text;

namespace Nvoi.Cli.Tests.Db;

/// <summary>
/// A generated database dump of any length, read as a stream (never whole in memory): it starts with
/// 0.2.0's heredoc delimiters on their own lines and every byte value 0..255, then a repeating pattern.
/// Its SHA-256 is known once it was read to the end.
/// </summary>
public sealed class DumpContent : Stream
{
    /// <summary>The delimiters 0.2.0 wrapped dumps and branches.json in (lib/nvoi/cli/db/command.rb, external/database/*.rb).</summary>
    public static readonly byte[] Header = [.. Encoding.ASCII.GetBytes("-- dump\nNVOI_DUMP_EOF\nSQLDUMP\nNVOI_META_EOF\n'NVOI_DUMP_EOF'\n"),
        .. Enumerable.Range(0, 256).Select(i => (byte)i), (byte)'\n'];

    private readonly long _length;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;

    public DumpContent(long length) => _length = Math.Max(length, Header.Length);

    public static string Sha256Of(long length)
    {
        using var s = new DumpContent(length);
        s.CopyTo(Null);
        return s.Sha256();
    }

    public string Sha256() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _length - _position);
        for (var i = 0; i < n; i++)
        {
            var p = _position + i;
            buffer[i] = p < Header.Length ? Header[p] : (byte)((p * 31 + (p >> 11)) & 0xff);
        }
        _hash.AppendData(buffer[..n]);
        _position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
