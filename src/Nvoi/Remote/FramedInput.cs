using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nvoi.Remote;

/// <summary>
/// How a command's input crosses the SSH channel without depending on the channel's EOF (which
/// SSH.NET sends only sometimes, and which can be lost): the input is sent in frames, and the
/// remote side stops reading at an end frame, so the command sees the end of its input from a pipe
/// that closes, never from the channel.
/// <list type="bullet">
/// <item><c>d N\n</c> followed by exactly N bytes of data (N ≥ 1);</item>
/// <item><c>e COUNT SHA256\n</c> ends the input: the byte count and SHA-256 (hex) of all the data.</item>
/// </list>
/// The remote reader is a POSIX shell function: <c>read</c> takes the header byte by byte and
/// <c>head -c N</c> copies the data (GNU head reads no further than N bytes).
/// A command without input reads <c>/dev/null</c>. Either way the remote side watches the channel and
/// kills the command's process group when the channel closes before the command ended, so a command
/// the client gave up on (a stall, a dropped connection) does not run on unseen: OpenSSH refuses signal
/// requests without privilege separation, so the channel is the one way to stop a command everywhere.
/// </summary>
public static class FramedInput
{
    /// <summary>The largest data frame: whatever one read of the source returns, up to this.</summary>
    public const int MaxFrame = 1 << 20;

    /// <summary>Written to stderr by the remote reader when the input stops before its end frame.</summary>
    public const string TruncatedMarker = "nvoi: the input ended before its end marker";

    /// <summary>
    /// Shell text defining <c>nvoi_in</c>: copies the framed data on stdin to stdout and returns 0 at the
    /// end frame (setting <c>nvoi_count</c> and <c>nvoi_sha</c>); 1 when the input is malformed, truncated
    /// or aborted (<c>x</c>: the local source failed); 2 when the output cannot take the data (the command
    /// stopped reading).
    /// </summary>
    public const string Reader =
        "nvoi_in() {\n" +
        "  while IFS=' ' read -r nvoi_k nvoi_a nvoi_b; do\n" +
        "    case $nvoi_k in\n" +
        "      d) case $nvoi_a in ''|*[!0-9]*) break ;; esac\n" +
        "         head -c \"$nvoi_a\" || return 2 ;;\n" +
        "      e) nvoi_count=$nvoi_a; nvoi_sha=$nvoi_b; return 0 ;;\n" +
        "      *) break ;;\n" +
        "    esac\n" +
        "  done\n" +
        "  echo '" + TruncatedMarker + "' >&2\n" +
        "  return 1\n" +
        "}\n";

    /// <summary>
    /// The wrapper that feeds a command (its argv follows as <c>$@</c>) the framed input through a pipe.
    /// The reader first sends its own pid, so the command's side can stop it once the command ends (a
    /// command need not read all its input, as with ssh). After the end frame the reader closes the pipe
    /// and keeps reading the channel: should the channel close while the command runs (the client gave
    /// up on it, the connection dropped), the whole command is killed. A truncated or aborted input stops
    /// the whole process group, the command included, before it could take part of its input for all of it.
    /// </summary>
    public const string PipeWrapper = Reader +
        "{ sh -c 'echo \"$PPID\"'; nvoi_in; [ $? -ne 1 ] || kill -s TERM 0\n" +
        "  exec sh -c 'cat; kill -s KILL 0' >/dev/null 2>&1; } |\n" +
        "{ IFS= read -r nvoi_r; \"$@\"; nvoi_rc=$?; kill \"$nvoi_r\" 2>/dev/null; exit \"$nvoi_rc\"; }\n";

    /// <summary>
    /// The wrapper of a command without input (its argv follows as <c>$@</c>): the command reads /dev/null,
    /// and a watcher reads the channel, killing the whole command should the channel close first (the
    /// client gave up on it, the connection dropped). The watcher holds no output, so it never keeps the
    /// channel open.
    /// </summary>
    public const string NoInputWrapper =
        "exec 3<&0\n" +
        "{ cat; kill -s KILL 0; } <&3 >/dev/null 2>&1 &\n" +
        "nvoi_w=$!\n" +
        "\"$@\" </dev/null 3<&-\n" +
        "nvoi_rc=$?\n" +
        "kill \"$nvoi_w\" 2>/dev/null\n" +
        "exit \"$nvoi_rc\"\n";

    /// <summary>The frame that aborts an input whose local source failed.</summary>
    public const string AbortFrame = "x\n";

    /// <summary>
    /// The upload script (<c>$1</c>: target path): the framed input lands in <c>$1.nvoi-upload</c> (0600),
    /// its size and SHA-256 are checked against the end frame, and only then is it renamed over <c>$1</c>.
    /// </summary>
    public const string UploadScript =
        "umask 077\n" + Reader +
        "nvoi_tmp=\"$1.nvoi-upload\"\n" +
        "if nvoi_in > \"$nvoi_tmp\" && [ \"$(($(wc -c < \"$nvoi_tmp\")))\" = \"$nvoi_count\" ] &&\n" +
        "   [ \"$(sha256sum < \"$nvoi_tmp\" | cut -d ' ' -f 1)\" = \"$nvoi_sha\" ]; then\n" +
        "  mv -f \"$nvoi_tmp\" \"$1\"\n" +
        "else\n" +
        "  rm -f \"$nvoi_tmp\"\n" +
        "  echo \"nvoi: the upload to $1 did not arrive whole; nothing was replaced\" >&2\n" +
        "  exit 1\n" +
        "fi\n";

    /// <summary>The command line for <paramref name="argv"/> reading framed input through <see cref="PipeWrapper"/>.</summary>
    public static IReadOnlyList<string> Wrap(IReadOnlyList<string> argv) => ["sh", "-c", PipeWrapper, "nvoi-stdin", .. argv];

    /// <summary>The command line for <paramref name="argv"/> without input, through <see cref="NoInputWrapper"/>.</summary>
    public static IReadOnlyList<string> WrapWithoutInput(IReadOnlyList<string> argv) => ["sh", "-c", NoInputWrapper, "nvoi-run", .. argv];

    /// <summary>The header of a data frame of <paramref name="length"/> bytes.</summary>
    public static string DataHeader(int length) =>
        string.Create(CultureInfo.InvariantCulture, $"d {length}\n");

    /// <summary>The end frame for <paramref name="count"/> bytes whose SHA-256 is <paramref name="sha256"/>.</summary>
    public static string EndFrame(long count, string sha256) =>
        string.Create(CultureInfo.InvariantCulture, $"e {count} {sha256}\n");

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="channel"/> as frames, then the end frame.
    /// <paramref name="progress"/> is told before each read of the source and each write to the channel,
    /// so a stall can be named. Source errors propagate as <see cref="SourceReadException"/>; channel
    /// errors as they are.
    /// </summary>
    public static void Copy(Stream source, Stream channel, InputProgress progress)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(progress);
        const int headroom = 16; // "d 1048576\n" fits
        var buffer = new byte[headroom + MaxFrame];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long count = 0;
        while (true)
        {
            progress.Reading();
            int read;
            try
            {
                read = source.Read(buffer, headroom, MaxFrame);
            }
            catch (Exception ex)
            {
                // The remote side must not take what came so far for the whole input.
                progress.Writing();
                channel.Write(Encoding.ASCII.GetBytes(AbortFrame), 0, AbortFrame.Length);
                throw new SourceReadException(ex);
            }
            if (read == 0)
            {
                break;
            }
            hash.AppendData(buffer, headroom, read);
            var header = Encoding.ASCII.GetBytes(DataHeader(read));
            var start = headroom - header.Length;
            header.CopyTo(buffer, start);
            progress.Writing();
            channel.Write(buffer, start, header.Length + read);
            count += read;
            progress.Sent(read);
        }
        var end = Encoding.ASCII.GetBytes(EndFrame(count, Convert.ToHexStringLower(hash.GetHashAndReset())));
        progress.Writing();
        channel.Write(end, 0, end.Length);
        channel.Flush();
        progress.Done();
    }
}

/// <summary>Reading the local input of a remote command failed (not the channel).</summary>
public sealed class SourceReadException(Exception inner) : IOException(inner.Message, inner);

/// <summary>Where a command's input stands, for naming what a stalled command was waiting for.</summary>
public sealed class InputProgress(Action activity)
{
    private int _state; // 0 none, 1 reading the local source, 2 writing to the server, 3 done
    private long _sent;

    /// <summary>Bytes of data the server has taken so far.</summary>
    public long BytesSent => Interlocked.Read(ref _sent);

    internal void Reading() => Volatile.Write(ref _state, 1);

    internal void Writing() => Volatile.Write(ref _state, 2);

    internal void Sent(int bytes)
    {
        Interlocked.Add(ref _sent, bytes);
        activity();
    }

    internal void Done()
    {
        Volatile.Write(ref _state, 3);
        activity();
    }

    /// <summary>What the input side is doing, in words.</summary>
    public string Describe() => Volatile.Read(ref _state) switch
    {
        1 => $"its local input to produce more data ({BytesSent} bytes sent)",
        2 => $"the command to read more of its input ({BytesSent} bytes taken)",
        3 => $"output or the command's exit (its input of {BytesSent} bytes was sent whole)",
        _ => "output or the command's exit",
    };
}
