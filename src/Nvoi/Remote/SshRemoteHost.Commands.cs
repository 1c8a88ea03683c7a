using System.Text;
using Renci.SshNet;

namespace Nvoi.Remote;

public sealed partial class SshRemoteHost
{
    /// <inheritdoc/>
    public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        // Nothing waits for the channel's EOF: input travels in frames the remote side ends by itself
        // (FramedInput), and a command without input reads /dev/null, as with ssh -n. Either way the
        // command is killed on the server when its channel closes first.
        var text = ShellQuote.Join(command.Stdin is null ? FramedInput.WrapWithoutInput(command.Argv)
            : command.InputFramedByCommand ? command.Argv : FramedInput.Wrap(command.Argv));
        await _commandSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (client, cmd, execution, stdin) = await OnChannelAsync(client =>
            {
                var c = client.CreateCommand(text);
                try
                {
                    // Opens the channel and sends the exec request synchronously.
                    var running = c.ExecuteAsync(cancellationToken);
                    return (client, c, running, command.Stdin is null ? null : InputOf(c));
                }
                catch
                {
                    c.Dispose();
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
            using (cmd)
            {
                return await CompleteAsync(client, cmd, execution, stdin, command, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _commandSlots.Release();
        }
    }

    // The command's stdin, or null when it has already finished and its channel closed: a quick
    // command on a near server can end before this line runs, and SSH.NET then refuses the stream.
    // The stream is never disposed here: SshCommand disposes it after its channel, so no EOF is sent
    // to a channel that may be closing.
    private static Stream? InputOf(SshCommand cmd)
    {
        try
        {
            return cmd.CreateInputStream();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private async Task<RemoteResult> CompleteAsync(SshClient client, SshCommand cmd, Task execution, Stream? stdin,
        RemoteCommand command, CancellationToken ct)
    {
        var time = _options.Time;
        var lastActivity = time.GetTimestamp();
        void Activity() => Interlocked.Exchange(ref lastActivity, time.GetTimestamp());
        var input = new InputProgress(Activity);
        var idleLimit = command.IdleTimeout ?? _options.CommandIdleTimeout;
        // The watch is armed before anything can make progress, so every activity counts against it.
        using (var stalled = new IdleWatch(time, idleLimit, () => Interlocked.Read(ref lastActivity)))
        {
            var sourceEnded = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (command.Stdin is { } source && stdin is not null)
            {
                _ = Dedicated(() => PumpStdin(source, stdin, input, sourceEnded));
            }
            // stdout and stderr are read on two threads; the callback is never entered twice at once.
            var gate = new object();
            Action<OutputLine>? onLine = command.OnLine is { } callback ? line => { lock (gate) { callback(line); } } : null;
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            var outReader = command.Stdout is { } sink
                ? Dedicated(() => StopOnError(cmd, () => Copy(cmd.OutputStream, sink, Activity)))
                : Dedicated(() => StopOnError(cmd, () => ReadLines(cmd.OutputStream, stdout, false, onLine, Activity)));
            var errReader = Dedicated(() => StopOnError(cmd, () => ReadLines(cmd.ExtendedOutputStream, stderr, true, onLine, Activity)));
            var finished = await Task.WhenAny(execution, stalled.Expired).ConfigureAwait(false);
            if (finished != execution)
            {
                await StopStalledAsync(client, cmd, execution).ConfigureAwait(false);
                throw new RemoteStalledException(Server, command.Label ?? command.Argv[0], idleLimit, input.Describe());
            }
            return await FinishAsync(cmd, execution, command, outReader, errReader, sourceEnded.Task, stdout, stderr, ct).ConfigureAwait(false);
        }
    }

    private async Task<RemoteResult> FinishAsync(SshCommand cmd, Task execution, RemoteCommand command, Task outReader, Task errReader,
        Task<Exception?> sourceEnded, StringBuilder stdout, StringBuilder stderr, CancellationToken ct)
    {
        try
        {
            await execution.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // A reader failed (the sink or the callback threw) and stopped the command; its error follows.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new RemoteConnectionException(Server, $"the connection failed while {command.Label ?? command.Argv[0]} was running", ex);
        }
        await Task.WhenAll(outReader, errReader).ConfigureAwait(false);
        // A command that ended without reading all its input is done, as with ssh: a pump still waiting on
        // its source (a pipe that stays open) is left behind; a source that failed first is reported.
        var sourceError = sourceEnded.IsCompleted ? await sourceEnded.ConfigureAwait(false) : null;
        if (sourceError is not null)
        {
            throw new IOException($"Reading the input for {command.Label ?? command.Argv[0]} on server {Server} failed.", sourceError);
        }
        ct.ThrowIfCancellationRequested();
        var exit = cmd.ExitStatus ?? (cmd.ExitSignal is { } signal ? 128 + SignalNumber(signal) : 255);
        var errors = stderr.ToString();
        // The wrapper's reader stopped the command (TERM to its process group) on a truncated input.
        if (command.Stdin is not null && exit == 128 + 15 && errors.Contains(FramedInput.TruncatedMarker, StringComparison.Ordinal))
        {
            throw new IOException($"The input of {command.Label ?? command.Argv[0]} on server {Server} did not arrive whole; the command was stopped.");
        }
        return new RemoteResult(exit, stdout.ToString(), errors);
    }

    // A command that made no progress is killed; when the server does not even answer that, the
    // connection is dropped (the next command reconnects) rather than trusted again.
    private async Task StopStalledAsync(SshClient client, SshCommand cmd, Task execution)
    {
        var stopped = await Task.Run(() =>
        {
            try
            {
                cmd.CancelAsync(forceKill: true);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }).ConfigureAwait(false);
        if (!stopped || !execution.IsCompleted || (cmd.ExitSignal is null && cmd.ExitStatus is null))
        {
            Drop(client);
        }
    }

    // Copies the source into the channel as frames (FramedInput). Reports an error of the *source* only,
    // through <paramref name="ended"/>; write errors mean the command ended without reading everything,
    // which is its business.
    private static void PumpStdin(Stream source, Stream channel, InputProgress progress, TaskCompletionSource<Exception?> ended)
    {
        Exception? error = null;
        try
        {
            FramedInput.Copy(source, channel, progress);
        }
        catch (SourceReadException ex)
        {
            error = ex.InnerException;
        }
        catch (Exception)
        {
            // The channel is closing: the command has ended.
        }
        finally
        {
            ended.TrySetResult(error);
        }
    }

    // If output cannot be consumed, kill the command rather than buffer its output without end.
    private static void StopOnError(SshCommand cmd, Action read)
    {
        try
        {
            read();
        }
        catch
        {
            try
            {
                cmd.CancelAsync(forceKill: true);
            }
            catch (Exception)
            {
                // Already finished.
            }
            throw;
        }
    }

    private static void Copy(Stream from, Stream to, Action activity)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = from.Read(buffer, 0, buffer.Length)) > 0)
        {
            activity();
            to.Write(buffer, 0, read);
        }
        to.Flush();
    }

    private static void ReadLines(Stream from, StringBuilder all, bool isStderr, Action<OutputLine>? onLine, Action activity)
    {
        var decoder = Utf8.GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[Utf8.GetMaxCharCount(bytes.Length)];
        var line = new StringBuilder();
        int read;
        while ((read = from.Read(bytes, 0, bytes.Length)) > 0)
        {
            activity();
            var n = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            all.Append(chars, 0, n);
            if (onLine is not null)
            {
                Split(chars.AsSpan(0, n), line, isStderr, onLine);
            }
        }
        var last = decoder.GetChars(bytes, 0, 0, chars, 0, flush: true);
        all.Append(chars, 0, last);
        if (onLine is not null)
        {
            Split(chars.AsSpan(0, last), line, isStderr, onLine);
            if (line.Length > 0)
            {
                onLine(new OutputLine(isStderr, line.ToString()));
            }
        }
    }

    private static void Split(ReadOnlySpan<char> chunk, StringBuilder line, bool isStderr, Action<OutputLine> onLine)
    {
        foreach (var c in chunk)
        {
            if (c == '\n')
            {
                if (line.Length > 0 && line[^1] == '\r')
                {
                    line.Length--;
                }
                onLine(new OutputLine(isStderr, line.ToString()));
                line.Clear();
            }
            else
            {
                line.Append(c);
            }
        }
    }

    private static int SignalNumber(string signal) => signal switch
    {
        "HUP" => 1, "INT" => 2, "QUIT" => 3, "ILL" => 4, "ABRT" => 6, "FPE" => 8, "KILL" => 9,
        "USR1" => 10, "SEGV" => 11, "USR2" => 12, "PIPE" => 13, "ALRM" => 14, "TERM" => 15,
        _ => 127,
    };

    // SSH.NET's streams block; give each its own thread instead of starving the pool.
    private static Task Dedicated(Action work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
