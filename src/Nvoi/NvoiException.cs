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

/// <summary>
/// The input is wrong and running again unchanged cannot help: a name given on the command line that the config
/// does not have, a malformed argument, a missing command. Exit code 2.
/// </summary>
public class InvalidInputException : NvoiException
{
    public InvalidInputException(string message) : base(message) { }
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>
/// Exit codes of the nvoi command, one rule for every command (docs/architecture.md, "Exit codes"): 2 when the input
/// is wrong, 1 when anything else fails, 130 when cancelled.
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The operation failed: a provider error, a failed rollout, a server that does not answer, a held lock.</summary>
    public const int Failure = 1;
    /// <summary>
    /// The input is wrong: usage, the config, deploy.enc or its key, a name that is not in the config (a server, an app),
    /// a malformed or unknown db branch id or database name, a credential the provider refuses.
    /// </summary>
    public const int InvalidInput = 2;
    /// <summary>Cancelled: Ctrl+C, SIGTERM or SIGHUP, or a confirmation answered no.</summary>
    public const int Cancelled = 130;
}
