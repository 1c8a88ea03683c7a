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
    public async Task The_remote_exit_code_is_returned()
    {
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var result = await RemoteExec.RunOnHostAsync(host, ["sh", "-c", "exit 42"], null, default);
        Assert.Equal(42, result.ExitCode);
    }
}
