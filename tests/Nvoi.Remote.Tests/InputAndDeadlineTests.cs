using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Nvoi.Remote.Tests;

/// <summary>
/// No command depends on the end of its input (framed input, <see cref="FramedInput"/>), and a command
/// that makes no progress fails with what it waited for instead of hanging. Against a real sshd.
/// </summary>
public class InputAndDeadlineTests(SshdFixture fixture) : IClassFixture<SshdFixture>, IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nvoi-input-");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _dir.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    [Fact]
    public async Task A_command_without_input_reads_dev_null()
    {
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        // `read` would wait for ever on an input that never ends; /dev/null ends at once.
        var result = await host.RunAsync(["sh", "-c", "if read -r line; then echo got; else echo eof; fi"]);
        Assert.Equal("eof\n", result.Stdout);
    }

    [Fact]
    public async Task An_upload_that_does_not_match_its_end_frame_replaces_nothing()
    {
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var target = Path.Combine(_dir.FullName, "kept");
        await File.WriteAllTextAsync(target, "old");
        string[] upload = ["sh", "-c", FramedInput.UploadScript, "nvoi-upload", target];

        // The bytes arrive, but not the ones the end frame vouches for.
        var tampered = await host.RunAsync(upload, new MemoryStream(Ascii("d 3\nabce 3 " + Sha(Ascii("xyz")) + "\n")));
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"the upload to {target} did not arrive whole; nothing was replaced", tampered.Stderr);

        // Fewer bytes than announced, and no end frame at all.
        var truncated = await host.RunAsync(upload, new MemoryStream(Ascii("d 5\nab")));
        Assert.Equal(1, truncated.ExitCode);
        Assert.Contains(FramedInput.TruncatedMarker, truncated.Stderr);
        Assert.Contains("nothing was replaced", truncated.Stderr);

        // A frame that claims more than the end frame counts.
        var miscounted = await host.RunAsync(upload, new MemoryStream(Ascii("d 3\nabce 4 " + Sha(Ascii("abc")) + "\n")));
        Assert.Equal(1, miscounted.ExitCode);

        Assert.Equal("old", await File.ReadAllTextAsync(target));
        Assert.Equal(["kept"], _dir.GetFiles().Select(f => f.Name)); // no partial file left

        var whole = await host.RunAsync(upload, new MemoryStream(Ascii("d 3\nabce 3 " + Sha(Ascii("abc")) + "\n")));
        Assert.Equal(0, whole.ExitCode);
        Assert.Equal("abc", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task A_truncated_input_stops_the_command_before_it_takes_part_for_all()
    {
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var done = Path.Combine(_dir.FullName, "done");
        // The inner wrapper is what every command with an input runs; here it is given a truncated stream.
        string[] argv = [.. FramedInput.Wrap(["sh", "-c", "cat > /dev/null; echo finished > \"$1\"", "sh", done])];
        var ex = await Assert.ThrowsAsync<IOException>(() => host.RunAsync(argv, new MemoryStream(Ascii("d 5\nab"))));
        Assert.Equal("The input of sh on server test did not arrive whole; the command was stopped.", ex.Message);
        Assert.False(File.Exists(done));
    }

    [Fact]
    public async Task An_aborted_input_stops_the_command_and_names_the_local_failure()
    {
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var done = Path.Combine(_dir.FullName, "done");
        var source = new FailingAfter(Ascii("partial data\n"));
        var ex = await Assert.ThrowsAsync<IOException>(() =>
            host.RunAsync(["sh", "-c", "cat > /dev/null; echo finished > \"$1\"", "sh", done], source));
        Assert.Equal("Reading the input for sh on server test failed.", ex.Message);
        Assert.Equal("the disk went away", ex.InnerException!.Message);
        Assert.False(File.Exists(done));
    }

    [Fact]
    public async Task A_silent_command_fails_after_its_deadline_naming_server_command_and_what_it_waited_for()
    {
        var time = new FakeTimeProvider();
        await using var sessions = new RemoteSessions(fixture.Server.Options(time: time, commandIdleTimeout: TimeSpan.FromSeconds(30)));
        var host = sessions.Get(fixture.Server.Endpoint());
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var marker = Path.Combine(_dir.FullName, "still-running");
        var running = host.RunAsync(new RemoteCommand(["sh", "-c", "echo started; sleep 300; touch \"$1\"", "sh", marker],
            OnLine: l => { if (l.Text == "started") started.TrySetResult(); }) { Label = "the silent script" });
        await started.Task;
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(running.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<RemoteStalledException>(() => running);
        Assert.Equal("Server test: the silent script made no progress for 30s and was stopped; it was waiting for output or the command's exit",
            ex.Message);
        // The session goes on, and the stalled command is killed on the server (its channel closed; this
        // sshd refuses signal requests), not left to finish: the server is asked to wait up to 10 s for that.
        Assert.Equal("next\n", (await host.RunAsync(["echo", "next"])).Stdout);
        var gone = await host.RunAsync(["sh", "-c", "for i in $(seq 100); do pgrep -f 'sleep [3]00' >/dev/null || exit 0; sleep 0.1; done; exit 1"]);
        Assert.True(gone.ExitCode == 0, fixture.Server.Log);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Output_is_progress_so_a_talking_command_outlives_the_deadline()
    {
        var time = new FakeTimeProvider();
        await using var sessions = new RemoteSessions(fixture.Server.Options(time: time, commandIdleTimeout: TimeSpan.FromSeconds(30)));
        var host = sessions.Get(fixture.Server.Endpoint());
        // Each line is answered only after the clock moved 20 s: 60 s in all, never 30 s of silence. The clock
        // moves in the line callback itself, so it always moves after the line counted as progress; the answer
        // goes through a fifo the script reads between lines.
        var fifo = Path.Combine(_dir.FullName, "go");
        Assert.Equal(0, (await host.RunAsync(["mkfifo", fifo])).ExitCode);
        var answers = new List<Task>();
        var running = host.RunAsync(new RemoteCommand(["sh", "-c", "for i in 1 2 3; do echo tick; read -r x < \"$1\"; done; echo end", "sh", fifo],
            OnLine: l =>
            {
                if (l.Text != "tick") return;
                time.Advance(TimeSpan.FromSeconds(20));
                lock (answers) answers.Add(Task.Run(() => File.WriteAllText(fifo, "go\n")));
            }));
        // Bounded: a stalled command (the bug this test is for) must fail the test, not leave a writer
        // blocked on the fifo forever.
        await running.WaitAsync(TimeSpan.FromSeconds(60));
        Task[] written;
        lock (answers) written = [.. answers];
        Assert.Equal(3, written.Length);
        await Task.WhenAll(written);
        var result = await running;
        Assert.Equal((0, "tick\ntick\ntick\nend\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task A_stall_on_the_local_input_says_so()
    {
        var time = new FakeTimeProvider();
        await using var sessions = new RemoteSessions(fixture.Server.Options(time: time, commandIdleTimeout: TimeSpan.FromMinutes(5)));
        var host = sessions.Get(fixture.Server.Endpoint());
        using var source = new BlocksAfter(Ascii("first line\n"));
        var echoed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = host.RunAsync(new RemoteCommand(["cat"], Stdin: source, OnLine: _ => echoed.TrySetResult()) { Label = "restore" });
        await source.Blocked;
        await echoed.Task; // the last progress is behind us: cat has given the line back
        time.Advance(TimeSpan.FromMinutes(5));
        var ex = await Assert.ThrowsAsync<RemoteStalledException>(() => running);
        Assert.Equal("Server test: restore made no progress for 5 min and was stopped; it was waiting for its local input to produce more data (11 bytes sent)",
            ex.Message);
    }

    [Fact]
    public async Task Frames_carry_every_byte_value_and_end_with_count_and_checksum()
    {
        var data = Enumerable.Range(0, 3 * FramedInput.MaxFrame + 7).Select(i => (byte)(i * 31)).ToArray();
        var framed = new MemoryStream();
        var progress = new InputProgress(() => { });
        FramedInput.Copy(new MemoryStream(data), framed, progress);
        var text = framed.ToArray();
        Assert.StartsWith($"d {FramedInput.MaxFrame}\n", Encoding.Latin1.GetString(text, 0, 16));
        Assert.EndsWith($"e {data.Length} {Sha(data)}\n", Encoding.Latin1.GetString(text));
        Assert.Equal(data.LongLength, progress.BytesSent);

        // And the remote reader turns them back into the bytes, through sh and head.
        await using var sessions = new RemoteSessions(fixture.Server.Options());
        var host = sessions.Get(fixture.Server.Endpoint());
        var result = await host.RunAsync(["sh", "-c", "sha256sum | cut -d ' ' -f 1"], new MemoryStream(data));
        Assert.Equal(Sha(data) + "\n", result.Stdout);
    }

    /// <summary>Gives its data, then fails.</summary>
    private sealed class FailingAfter(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = base.Read(buffer, offset, count);
            return n > 0 ? n : throw new IOException("the disk went away");
        }
    }

    /// <summary>Gives its data, then blocks (reporting it) until disposed.</summary>
    private sealed class BlocksAfter(byte[] data) : MemoryStream(data)
    {
        private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _released = new();

        public Task Blocked => _blocked.Task;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = base.Read(buffer, offset, count);
            if (n > 0) return n;
            _blocked.TrySetResult();
            _released.Wait();
            return 0;
        }

        protected override void Dispose(bool disposing)
        {
            _released.Set();
            base.Dispose(disposing);
        }
    }
}
