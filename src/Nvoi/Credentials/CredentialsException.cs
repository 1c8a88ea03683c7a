namespace Nvoi.Credentials;

/// <summary>
/// A problem with deploy.enc or its master key (missing, malformed, wrong key, unwritable).
/// The message is one line and never contains key material.
/// </summary>
public sealed class CredentialsException : NvoiException
{
    /// <summary>Creates the error with a one-line message.</summary>
    public CredentialsException(string message) : base(message) { }

    /// <summary>Creates the error with a one-line message and the underlying cause.</summary>
    public CredentialsException(string message, Exception inner) : base(message, inner) { }

    /// <inheritdoc />
    public override int ExitCode => ExitCodes.InvalidInput;
}
