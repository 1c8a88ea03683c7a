using Nvoi.Operations;

namespace Nvoi.Remote.Tests;

/// <summary>
/// `nvoi exec -- CMD ARGS…` against a real sshd, through the path the command takes
/// (<see cref="RemoteExec.RunOnHostAsync"/>): every argument arrives literally.
/// </summary>
public class ExecArgvTests(SshdFixture fixture) : IClassFixture<SshdFixture>
{
    public static IEnumerable<object[]> Hostile() =>
    [
        [new[] { "it's \"quoted\"", "'", "\"" }],
        [new[] { "$(echo pwned)", "`echo pwned`", "${HOME}", "$HOME" }],
        [new[] { "a; echo injected", "b && echo injected", "c | cat", "d > /tmp/nvoi-exec-injected" }],
        [new[] { "line1\nline2", "trailing\n", "\ttab", "\r" }],
        [new[] { "*", "?", "[a-z]", "~", "#comment", "\\", "\\n", "" , "  spaces  " }],
        [new[] { "--", "-n", "ünïcødé ✓", "!event" }],
    ];

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Arguments_reach_the_server_exactly_as_typed(string[] args)
    {
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var lines = new List<OutputLine>();
        var result = await RemoteExec.RunOnHostAsync(host, ["printf", "%s\\n", .. args], l => { lock (lines) lines.Add(l); }, default);

        Assert.Equal(0, result.ExitCode);
        var expected = string.Concat(args.Select(a => a + "\n"));
        Assert.Equal(expected, result.Stdout); // byte for byte
        Assert.Equal("", result.Stderr);
        Assert.False(File.Exists("/tmp/nvoi-exec-injected"));
        // The lines exec prints are the same text.
        Assert.Equal(expected.Split('\n')[..^1].Select(l => l.TrimEnd('\r')), lines.Where(l => !l.IsStderr).Select(l => l.Text.TrimEnd('\r')));
    }

    [Fact]
    public async Task Exec_forwards_its_input_byte_for_byte()
    {
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var input = new byte[] { 0, 1, 2, 255, (byte)'\n', (byte)'$', (byte)'(' }.Concat(Enumerable.Range(0, 70_000).Select(i => (byte)(i % 251))).ToArray();
        var result = await RemoteExec.RunOnHostAsync(host, ["sh", "-c", "od -An -tx1 -v | tr -d ' \n'"], null, default, new MemoryStream(input));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Convert.ToHexStringLower(input), result.Stdout);
    }

    [Fact]
    public async Task A_command_that_does_not_read_its_input_ends_although_the_input_never_does()
    {
        // As with ssh: `nvoi exec -- uptime` under a pipe that stays open still returns.
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        using var never = new EndlessInput();
        var result = await RemoteExec.RunOnHostAsync(host, ["echo", "done"], null, default, never).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((0, "done\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task An_input_that_fails_is_reported_even_when_the_command_ends_on_its_eof()
    {
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var ex = await Assert.ThrowsAsync<IOException>(() => RemoteExec.RunOnHostAsync(host, ["cat"], null, default, new BrokenInput()).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.StartsWith("Reading the input for cat on server test failed.", ex.Message);
        Assert.Equal("the pipe broke", ex.InnerException!.Message);
    }

    [Fact]
    public async Task A_command_reading_an_empty_input_ends()
    {
        // SSH.NET sends EOF only after a write; without it `cat` would wait for the connection to close.
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var result = await RemoteExec.RunOnHostAsync(host, ["sh", "-c", "cat; echo end"], null, default, new MemoryStream())
            .WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((0, "end\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task An_empty_input_given_as_Stream_Null_ends_a_reading_command()
    {
        // What exec gives a command from a terminal or with --all.
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var result = await RemoteExec.RunOnHostAsync(host, ["cat"], null, default, Stream.Null).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((0, ""), (result.ExitCode, result.Stdout));
    }

    /// <summary>A pipe whose writer never writes nor closes: a read blocks until the stream is disposed.</summary>
    private sealed class EndlessInput : Stream
    {
        private readonly ManualResetEventSlim _closed = new();
        public override int Read(byte[] buffer, int offset, int count)
        {
            _closed.Wait();
            return 0;
        }
        protected override void Dispose(bool disposing)
        {
            _closed.Set();
            base.Dispose(disposing);
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class BrokenInput : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("the pipe broke");
    }

    [Fact]
    public async Task The_remote_exit_code_is_returned()
    {
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var result = await RemoteExec.RunOnHostAsync(host, ["sh", "-c", "exit 42"], null, default);
        Assert.Equal(42, result.ExitCode);
    }
}
