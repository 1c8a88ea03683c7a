using System.Security.Cryptography;
using System.Text;
using CsCheck;

namespace Nvoi.Remote.Tests;

public class CommandTests(SshdFixture fixture) : IClassFixture<SshdFixture>, IAsyncLifetime
{
    private RemoteSessions _sessions = null!;
    private IRemoteHost _host = null!;

    public Task InitializeAsync()
    {
        _sessions = new RemoteSessions(fixture.Server.Options());
        _host = _sessions.Get(fixture.Server.Endpoint());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _sessions.DisposeAsync();

    [Fact]
    public async Task Returns_exit_code_stdout_and_stderr()
    {
        var result = await _host.RunAsync(["sh", "-c", "echo out; echo err >&2; exit 7"]);
        Assert.Equal(7, result.ExitCode);
        Assert.Equal("out\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
        var ex = Assert.Throws<RemoteCommandException>(() => result.EnsureSuccess("test", ["sh"]));
        Assert.Contains("exited with 7: err", ex.Message);

        var ok = await _host.RunAsync(["true"]);
        Assert.True(ok.Succeeded);
        Assert.Equal(127, (await _host.RunAsync(["no-such-program-nvoi"])).ExitCode);
    }

    [Fact]
    public async Task Sessions_start_in_the_servers_empty_home_not_the_local_users()
    {
        // The fixture's promise: no dotfile of whoever runs the tests writes into a command's stderr.
        var result = await _host.RunAsync(["printenv", "HOME"]);
        Assert.Equal(Path.Combine(fixture.Server.Directory, "home") + "\n", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task A_command_that_ends_before_its_input_is_sent_still_returns()
    {
        // `true` exits at once; on a near server its channel can close before stdin is opened.
        for (var i = 0; i < 30; i++)
        {
            var result = await _host.RunAsync(new RemoteCommand(["true"], Stdin: new MemoryStream(new byte[256 * 1024])));
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(0, (await _host.RunAsync(["true"])).ExitCode);
        }
    }

    [Fact]
    public async Task Checked_runs_throw_and_scripts_get_their_arguments()
    {
        var ex = await Assert.ThrowsAsync<RemoteCommandException>(() => _host.RunCheckedAsync(["sh", "-c", "echo nope >&2; exit 4"]));
        Assert.Equal(4, ex.RemoteExitCode);
        Assert.Equal("sh on server test exited with 4: nope", ex.Message);
        Assert.Equal("ok\n", (await _host.RunCheckedAsync(["echo", "ok"])).Stdout);

        var result = await _host.RunScriptAsync("set -eu\nprintf '%s|' \"$@\"\necho \"$#\"\n", ["a b", "$x", "it's"]);
        Assert.Equal("a b|$x|it's|3\n", result.Stdout);
    }

    [Fact]
    public async Task Streams_lines_while_running()
    {
        var lines = new List<OutputLine>();
        var result = await _host.RunAsync(["sh", "-c", "printf 'a\\r\\nb\\n'; echo e1 >&2; printf 'no newline'"],
            onLine: l => { lock (lines) { lines.Add(l); } });
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["a", "b", "no newline"], lines.Where(l => !l.IsStderr).Select(l => l.Text));
        Assert.Equal(["e1"], lines.Where(l => l.IsStderr).Select(l => l.Text));
    }

    [Fact]
    public async Task Every_argument_passes_through_byte_for_byte()
    {
        // Single characters: every ASCII character but NUL, plus non-ASCII text.
        var pieces = Enumerable.Range(1, 127).Select(c => ((char)c).ToString())
            .Concat(["é", "ß", "中文", "😀", "\u00a0", "\u200b", "'\\''", "$(id)", "`id`", "${HOME}", "\r\n"])
            .ToArray();
        var gen = Gen.OneOf(pieces).Array[0, 12].Select(string.Concat).Array[1, 8];
        await gen.SampleAsync(async args =>
        {
            // printf '%s\0' prints each argument followed by NUL; compare the raw bytes.
            using var stdout = new MemoryStream();
            var result = await _host.RunAsync(new RemoteCommand(["printf", "%s\\0", .. args], Stdout: stdout));
            Assert.Equal(0, result.ExitCode);
            var expected = Encoding.UTF8.GetBytes(string.Concat(args.Select(a => a + "\0")));
            Assert.Equal(expected, stdout.ToArray());
        }, iter: 100, threads: 4);
    }

    [Fact]
    public async Task Fifty_megabytes_through_stdin_and_back()
    {
        const long size = 50L * 1024 * 1024;
        using var source = new PseudoRandomStream(size, seed: 42);
        using var hashOut = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var sink = new HashingStream(hashOut);

        var result = await _host.RunAsync(new RemoteCommand(["cat"], Stdin: source, Stdout: sink));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(size, sink.Length);
        Assert.Equal(PseudoRandomStream.Sha256(size, 42), hashOut.GetHashAndReset());
    }

    [Fact]
    public async Task A_failing_sink_stops_an_endless_command()
    {
        var ex = await Assert.ThrowsAsync<IOException>(() =>
            _host.RunAsync(new RemoteCommand(["yes"], Stdout: new FailingStream(1024 * 1024))).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("disk full", ex.Message);
        Assert.True((await _host.RunAsync(["true"])).Succeeded);
    }

    private sealed class FailingStream(long limit) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > limit)
            {
                throw new IOException("disk full");
            }
            base.Write(buffer, offset, count);
        }
    }

    [Fact]
    public async Task An_empty_upload_completes_and_leaves_an_empty_file()
    {
        var dir = (await _host.RunAsync(["mktemp", "-d"])).Stdout.Trim();
        try
        {
            await _host.UploadAsync(new MemoryStream(), dir + "/empty").WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal("0\n", (await _host.RunAsync(["sh", "-c", "wc -c < \"$1\"", "sh", dir + "/empty"])).Stdout.TrimStart());
        }
        finally
        {
            await _host.RunAsync(["rm", "-rf", dir]);
        }
    }

    [Fact]
    public async Task Upload_and_download_round_trip()
    {
        var dir = (await _host.RunAsync(["mktemp", "-d"])).Stdout.Trim();
        try
        {
            var path = dir + "/file with 'quotes' and $pace";
            var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
            await _host.UploadAsync(new MemoryStream(content), path);

            var wc = await _host.RunAsync(["wc", "-c", path]);
            Assert.StartsWith((content.Length).ToString(), wc.Stdout);

            using var back = new MemoryStream();
            await _host.DownloadAsync(path, back);
            Assert.Equal(content, back.ToArray());

            // Uploading again replaces the file.
            await _host.UploadAsync(new MemoryStream("short"u8.ToArray()), path);
            using var again = new MemoryStream();
            await _host.DownloadAsync(path, again);
            Assert.Equal("short"u8.ToArray(), again.ToArray());

            var missing = await Assert.ThrowsAsync<RemoteCommandException>(() => _host.DownloadAsync(dir + "/missing", new MemoryStream()));
            Assert.Contains("No such file", missing.Message);
        }
        finally
        {
            await _host.RunAsync(["rm", "-rf", dir]);
        }
    }

    [Fact]
    public async Task Twenty_parallel_commands_share_one_connection()
    {
        var host = (SshRemoteHost)_host;
        await host.ConnectAsync();
        var before = host.ConnectionsOpened;
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            _host.RunAsync(["sh", "-c", "echo $1", "sh", i.ToString()])));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i + "\n"), results.Select(r => r.Stdout));
        // Counted by the client; ConnectionTests counts the same through sshd's own log with a fresh server.
        Assert.Equal(before, host.ConnectionsOpened);
    }

    [Fact]
    public async Task Cancellation_stops_a_running_command()
    {
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var run = _host.RunAsync(["sh", "-c", "echo started; exec sleep 600"],
            onLine: _ => started.TrySetResult(), cancellationToken: cts.Token);
        await started.Task;
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True((await _host.RunAsync(["true"])).Succeeded);
    }
}
