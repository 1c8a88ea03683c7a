using Nvoi.Cloud;
using Nvoi.Configuration;
using Nvoi.Operations.Deploy;
using Nvoi.Remote;

namespace Nvoi.Operations;

/// <summary>The outcome of a command on one server.</summary>
public sealed record ExecResult(string Server, int ExitCode);

/// <summary>
/// `nvoi exec`: a command on one server or on all of them. The argv reaches the server as typed:
/// <see cref="IRemoteHost.RunAsync(IReadOnlyList{string}, Stream?, Action{OutputLine}?, CancellationToken)"/>
/// quotes each argument once (<see cref="ShellQuote"/>).
/// </summary>
public sealed class RemoteExec(DeployConfig config, IWorld world)
{
    private readonly DesiredState _desired = new(config);

    /// <summary>
    /// The server meant by <paramref name="name"/>: <c>main</c> (the master), a group member such as
    /// <c>workers-2</c>, or a full server name. It must exist at the provider.
    /// </summary>
    public async Task<ServerInfo> FindServerAsync(string name, CancellationToken ct)
    {
        var full = ResolveName(name);
        return await world.Cloud.FindServerAsync(full, ct)
            ?? throw new NvoiException($"server {full} does not exist; the config's servers are: {string.Join(", ", _desired.Servers.Select(s => s.Name))}");
    }

    /// <summary>The full server name for <c>main</c>, <c>G-N</c> or a full name.</summary>
    public string ResolveName(string name)
    {
        if (name == "main") return _desired.Master.Name;
        if (_desired.Servers.Any(s => s.Name == name)) return name;
        var prefixed = _desired.Names.App + "-" + name;
        if (_desired.Servers.Any(s => s.Name == prefixed)) return prefixed;
        throw new InvalidInputException($"unknown server '{name}'; use main or one of: {string.Join(", ", _desired.Servers.Select(s => s.Name[(_desired.Names.App.Length + 1)..]))}");
    }

    /// <summary>
    /// Runs <paramref name="argv"/> on <paramref name="server"/>, streaming its lines, with <paramref name="stdin"/>
    /// as its standard input (none when null); returns the remote exit code.
    /// </summary>
    public async Task<ExecResult> RunAsync(ServerInfo server, IReadOnlyList<string> argv, Action<OutputLine>? onLine, CancellationToken ct,
        Stream? stdin = null)
    {
        if (argv.Count == 0) throw new InvalidInputException("no command given: put it after --, e.g. nvoi exec -- uptime");
        var result = await RunOnHostAsync(world.Host(server), argv, onLine, ct, stdin);
        return new ExecResult(server.Name, result.ExitCode);
    }

    /// <summary>
    /// The one path every exec takes to a host: the argv as given, each argument quoted once by the host.
    /// The command ends when it ends, whether or not it read all of <paramref name="stdin"/> (as with ssh), and
    /// it has no idle deadline: a user's command may rightly be silent for long (`tail -f`); Ctrl-C stops it.
    /// </summary>
    public static Task<RemoteResult> RunOnHostAsync(IRemoteHost host, IReadOnlyList<string> argv, Action<OutputLine>? onLine, CancellationToken ct,
        Stream? stdin = null) =>
        host.RunAsync(new RemoteCommand(argv, stdin, null, onLine) { IdleTimeout = Timeout.InfiniteTimeSpan }, ct);

    /// <summary>
    /// Runs <paramref name="argv"/> on every server of the deployment that exists, in parallel, each with an empty input;
    /// <paramref name="onLine"/> receives each line with its server. A server that cannot be reached counts as failed (exit 255).
    /// </summary>
    public async Task<IReadOnlyList<ExecResult>> RunOnAllAsync(IReadOnlyList<string> argv, Action<string, OutputLine> onLine, CancellationToken ct)
    {
        if (argv.Count == 0) throw new InvalidInputException("no command given: put it after --, e.g. nvoi exec --all -- uptime");
        var wanted = _desired.Servers.Select(s => s.Name).ToHashSet();
        var servers = (await world.Cloud.ListServersAsync(ct)).Where(s => wanted.Contains(s.Name)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        if (servers.Count == 0) throw new NvoiException($"no server of {_desired.Names.App} exists (run `nvoi deploy`)");
        return await Task.WhenAll(servers.Select(async s =>
        {
            try
            {
                return await RunAsync(s, argv, line => onLine(s.Name, line), ct, Stream.Null); // an empty input, as ssh -n
            }
            catch (NvoiException e)
            {
                onLine(s.Name, new OutputLine(true, e.Message));
                return new ExecResult(s.Name, 255);
            }
        }));
    }
}
