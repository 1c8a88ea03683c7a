namespace Nvoi.Remote;

/// <summary>Conveniences over <see cref="IRemoteHost"/>.</summary>
public static class RemoteHostExtensions
{
    /// <summary>Runs <paramref name="argv"/> and throws <see cref="RemoteCommandException"/> unless it exits 0.</summary>
    public static async Task<RemoteResult> RunCheckedAsync(this IRemoteHost host, IReadOnlyList<string> argv,
        Stream? stdin = null, Action<OutputLine>? onLine = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var result = await host.RunAsync(argv, stdin, onLine, cancellationToken).ConfigureAwait(false);
        return result.EnsureSuccess(host.Server, argv);
    }

    /// <summary>Runs a shell script (e.g. an embedded resource) with <c>sh -s</c>, passing
    /// <paramref name="arguments"/> as <c>$1..$n</c>; the script goes through stdin, never the command line.</summary>
    public static Task<RemoteResult> RunScriptAsync(this IRemoteHost host, Stream script, IReadOnlyList<string> arguments,
        Action<OutputLine>? onLine = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.RunAsync(["sh", "-s", "--", .. arguments], script, onLine, cancellationToken);
    }
}
