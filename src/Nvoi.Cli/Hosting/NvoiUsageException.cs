namespace Nvoi.Cli.Hosting;

/// <summary>Wrong use of the command line that the parser cannot catch (a value out of range, ...).</summary>
public sealed class NvoiUsageException(string message) : NvoiException(message)
{
    public override int ExitCode => ExitCodes.InvalidInput;
}
