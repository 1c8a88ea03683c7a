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

    /// <summary>
    /// Runs a shell script (e.g. an embedded resource) as <c>sh -c SCRIPT NAME ARGS…</c>: the script is one
    /// quoted argument, <paramref name="arguments"/> are <c>$1..$n</c>, and the script reads no input, so
    /// nothing waits for the end of one. <paramref name="idleTimeout"/> bounds how long it may go without
    /// output (null: the session's default).
    /// </summary>
    public static Task<RemoteResult> RunScriptAsync(this IRemoteHost host, string scriptText, IReadOnlyList<string> arguments,
        Action<OutputLine>? onLine = null, CancellationToken cancellationToken = default, TimeSpan? idleTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var argv = ScriptArgv(scriptText, arguments);
        return host.RunAsync(new RemoteCommand(argv, OnLine: onLine) { Label = Label(argv), IdleTimeout = idleTimeout }, cancellationToken);
    }

    /// <summary>
    /// The argv running <paramref name="scriptText"/> with <paramref name="arguments"/>: <c>sh -c SCRIPT
    /// nvoi-NAME ARGS…</c>, NAME from the script's <c># nvoi-script:</c> line (so <c>ps</c> shows which script runs).
    /// </summary>
    public static IReadOnlyList<string> ScriptArgv(string scriptText, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(scriptText);
        ArgumentNullException.ThrowIfNull(arguments);
        var name = Hosts.HostScripts.NameOf(scriptText) ?? "script";
        return ["sh", "-c", scriptText, "nvoi-" + name, .. arguments];
    }

    /// <summary>How a script argv (as made by <see cref="ScriptArgv"/>, maybe behind sudo) is named in errors: its name and first argument.</summary>
    public static string Label(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var at = 0;
        while (at < argv.Count && argv[at] == "sudo") at++;
        if (argv.Count - at >= 4 && argv[at] == "sh" && argv[at + 1] == "-c")
        {
            var name = argv[at + 3];
            return argv.Count - at > 4 ? $"{name} {argv[at + 4]}" : name;
        }
        return argv.Count > at ? argv[at] : "";
    }
}
