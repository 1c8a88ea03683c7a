using System.Globalization;
using Nvoi.Remote;

namespace Nvoi.Hosts;

public static partial class ServerSetup
{
    // Runs an embedded script; it may go idleTimeout without output (null: the session's default) before
    // it is stopped as stalled.
    private static async Task<RemoteResult> RunScriptAsync(IRemoteHost host, string script, string step,
        IReadOnlyList<string> arguments, Action<OutputLine>? onLine, CancellationToken cancellationToken, TimeSpan? idleTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var result = await host.RunScriptAsync(HostScripts.Text(script), arguments, onLine, cancellationToken, idleTimeout)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new HostSetupException(host.Server, step, result.ExitCode, LastLine(result.Stderr));
        }
        return result;
    }

    private static async Task<bool> IsActiveAsync(IRemoteHost host, string service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var result = await host.RunAsync(["systemctl", "is-active", "--quiet", service], cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return result.Succeeded;
    }

    private static async Task<string> ReadRootFileAsync(IRemoteHost host, string path, string step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var result = await host.RunAsync(["sudo", "cat", "--", path], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // Never echo the file (it may be a secret); stderr of cat only names the path.
            throw new HostSetupException(host.Server, step, result.ExitCode, LastLine(result.Stderr));
        }
        return result.Stdout;
    }

    // Checks the local installer against its pin, uploads it; the script arguments INSTALLER SHA256.
    private static async Task<string[]> UploadInstallerAsync(IRemoteHost host, K3sInstaller installer, CancellationToken cancellationToken)
    {
        var pin = installer.Sha256.Trim().ToLowerInvariant();
        if (pin.Length != 64 || !pin.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException($"the k3s installer's sha256 must be 64 hex digits, not '{installer.Sha256}'", nameof(installer));
        await using var file = new FileStream(installer.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var actual = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
        if (actual != pin)
            throw new HostSetupException(host.Server, "upload the k3s installer", 0,
                $"{installer.LocalPath} has SHA-256 {actual}, not the pinned {pin} (application.k3s.installer.sha256)");
        file.Position = 0;
        await host.UploadAsync(file, K3sInstaller.RemotePath, cancellationToken).ConfigureAwait(false);
        return [K3sInstaller.RemotePath, pin];
    }

    internal static IReadOnlyList<string> Lines(string text) =>
        text.Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    internal static string? Value(string stdout, string prefix) =>
        Lines(stdout).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..]).LastOrDefault();

    private static string LastLine(string text) => Lines(text).LastOrDefault()?.Trim() ?? "";

    private static string Seconds(TimeSpan span) =>
        ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static void RequireAbsolutePath(string path, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path, name);
        if (path[0] != '/' || path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException($"{name} must be an absolute path without spaces: {path}", name);
        }
    }

    // A value that is one token in a script's output and in config files (no whitespace, no control chars).
    /// <summary>The optional NODE_LABEL argument of the k3s scripts: key=value, a Kubernetes label.</summary>
    /// <remarks>With <paramref name="placeholder"/>, no label is an empty argument (an installer follows).</remarks>
    private static string[] LabelArgument(string? label, bool placeholder = false)
    {
        if (label is null) return placeholder ? [""] : [];
        var eq = label.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '/' or '='))
            throw new ArgumentException($"node label '{label}' is not key=value made of letters, digits, '.', '-', '_' and '/'.", nameof(label));
        return [label];
    }

    private static void RequireWord(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException($"{name} must not contain spaces or control characters.", name);
        }
    }

    private static void RequireLine(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Any(char.IsControl))
        {
            throw new ArgumentException($"{name} must be a single line.", name);
        }
    }
}
