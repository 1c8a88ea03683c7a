using System.Runtime.InteropServices;

namespace Nvoi.Cli.Hosting;

/// <summary>
/// SIGINT (Ctrl+C), SIGTERM and SIGHUP (the terminal closed, an SSH session dropped) cancel the command's
/// token instead of killing the process, so a deploy stops where it is, releases its lock and exits with
/// <see cref="ExitCodes.Cancelled"/> (130, whichever signal). A second signal ends the process at once.
/// </summary>
public sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly TextWriter _err;
    private int _received;

    public SignalCancellation(TextWriter err)
    {
        _err = err;
        _registrations = OperatingSystem.IsWindows()
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)]
            : [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
               PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle)];
    }

    public CancellationToken Token => _cts.Token;

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) > 1) return; // the default: the process ends
        context.Cancel = true;
        _cts.Cancel();
        try
        {
            _err.WriteLine($"{Name(context.Signal)} received: stopping (the deploy lock is released); send it again to stop at once");
        }
        catch (IOException)
        {
            // SIGHUP: the terminal may be gone already.
        }
    }

    private static string Name(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => "SIGINT",
        PosixSignal.SIGTERM => "SIGTERM",
        PosixSignal.SIGHUP => "SIGHUP",
        _ => signal.ToString(),
    };

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
