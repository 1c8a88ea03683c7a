namespace Nvoi;

/// <summary>
/// An error meant for the user: its message is printed as one line, without a stack trace
/// (unless --verbose). Anything else that escapes is a bug.
/// </summary>
public class NvoiException : Exception
{
    public NvoiException(string message) : base(message) { }
    public NvoiException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The process exit code this error maps to.</summary>
    public virtual int ExitCode => ExitCodes.Failure;

    /// <summary>More lines printed under the one-line message (a failed rollout's pod report), or null.</summary>
    public virtual string? Details => null;
}

/// <summary>Exit codes of the nvoi command.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The operation failed (a provider error, a failed rollout, ...).</summary>
    public const int Failure = 1;
    /// <summary>The input is wrong: arguments, config, deploy.enc or its key.</summary>
    public const int InvalidInput = 2;
    /// <summary>The command exists but its engine is not built yet.</summary>
    public const int NotImplemented = 3;
    /// <summary>The user cancelled (Ctrl+C or answered no).</summary>
    public const int Cancelled = 130;
}
