using System.Globalization;
using System.Text;
using Nvoi.Remote;

namespace Nvoi.Hosts;

/// <summary>
/// Host work deploy needs, as typed calls. Longer steps run the embedded <see cref="HostScripts"/>
/// with <c>sh -c SCRIPT NAME ARGS</c> (the script one argument, inputs as positional arguments, no input
/// read); short ones are argv commands. Each script has a deadline: silent longer than its own waits
/// allow, it is stopped (<see cref="RemoteStalledException"/>). Every method is safe to call again.
/// </summary>
public static partial class ServerSetup
{
    /// <summary>How long <see cref="MountVolumeAsync"/> waits for the device to appear.</summary>
    public static readonly TimeSpan DeviceWait = TimeSpan.FromMinutes(2);

    /// <summary>How long <see cref="WaitForCloudInitAsync"/> may wait without a word (cloud-init itself is silent).</summary>
    public static readonly TimeSpan CloudInitWait = TimeSpan.FromMinutes(20);

    /// <summary>Beyond a script's own wait, the time its other work (a download, formatting) may stay silent.</summary>
    public static readonly TimeSpan ScriptSlack = TimeSpan.FromMinutes(5);

    /// <summary>Waits until cloud-init has finished ("done", also when degraded); absent cloud-init counts as done.</summary>
    public static async Task WaitForCloudInitAsync(IRemoteHost host, CancellationToken cancellationToken = default,
        Action<OutputLine>? onLine = null)
    {
        await RunScriptAsync(host, HostScripts.CloudInitWait, "wait for cloud-init", [], onLine, cancellationToken, CloudInitWait)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for <paramref name="devicePath"/> (up to <see cref="DeviceWait"/>), formats it XFS only when
    /// it has no filesystem, mounts it at <paramref name="mountPath"/> and records it once in /etc/fstab
    /// by UUID with <c>nofail</c>. A volume holding data is never formatted again.
    /// </summary>
    public static async Task<MountResult> MountVolumeAsync(IRemoteHost host, string devicePath, string mountPath,
        CancellationToken cancellationToken = default)
    {
        RequireAbsolutePath(devicePath, nameof(devicePath));
        RequireAbsolutePath(mountPath, nameof(mountPath));
        var result = await RunScriptAsync(host, HostScripts.MountVolume, "mount volume " + devicePath,
            [devicePath, mountPath, Seconds(DeviceWait)], null, cancellationToken, DeviceWait + ScriptSlack).ConfigureAwait(false);
        var formatted = Value(result.Stdout, "formatted: ") == "yes";
        var mounted = Value(result.Stdout, "mounted: ")?.Split(' ');
        if (mounted is not { Length: 3 })
        {
            throw new HostSetupException(host.Server, "mount volume " + devicePath, 0, "the script did not report the mount");
        }
        return new MountResult(formatted, mounted[2]);
    }

    /// <summary>True when the k3s server service is active.</summary>
    public static Task<bool> IsK3sActiveAsync(IRemoteHost host, CancellationToken cancellationToken = default) =>
        IsActiveAsync(host, "k3s", cancellationToken);

    /// <summary>True when the k3s agent service is active.</summary>
    public static Task<bool> IsK3sAgentActiveAsync(IRemoteHost host, CancellationToken cancellationToken = default) =>
        IsActiveAsync(host, "k3s-agent", cancellationToken);

    /// <summary>
    /// Installs the k3s server (see <see cref="K3sServer"/>) unless it is already active, then waits for
    /// the node to be Ready. Returns true when it installed k3s now, false when it was already active.
    /// </summary>
    public static async Task<bool> InstallK3sServerAsync(IRemoteHost host, K3sServer server,
        CancellationToken cancellationToken = default, Action<OutputLine>? onLine = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        RequireWord(server.PrivateIp, nameof(server.PrivateIp));
        RequireWord(server.NodeName, nameof(server.NodeName));
        RequireWord(server.Version, nameof(server.Version));
        string[] args = [server.PrivateIp, server.NodeName, server.Version, Seconds(server.ReadyTimeout)];
        string[] installer = [];
        if (server.Installer is { } given)
        {
            // Uploaded only when it will run: the script does nothing where k3s is active.
            if (await IsK3sActiveAsync(host, cancellationToken).ConfigureAwait(false)) return false;
            installer = await UploadInstallerAsync(host, given, cancellationToken).ConfigureAwait(false);
        }
        var result = await RunScriptAsync(host, HostScripts.K3sServer, "install k3s server",
            [.. args, .. LabelArgument(server.NodeLabel, installer.Length > 0), .. installer], onLine, cancellationToken,
            server.ReadyTimeout + ScriptSlack).ConfigureAwait(false);
        return Lines(result.Stdout).Contains("k3s: installed");
    }

    /// <summary>The master's kubeconfig (server address https://127.0.0.1:6443 as k3s writes it).</summary>
    public static async Task<string> ReadKubeconfigAsync(IRemoteHost master, CancellationToken cancellationToken = default) =>
        (await ReadRootFileAsync(master, K3s.KubeconfigPath, "read kubeconfig", cancellationToken).ConfigureAwait(false));

    /// <summary>The master's node token (secret: never log it).</summary>
    public static async Task<string> ReadNodeTokenAsync(IRemoteHost master, CancellationToken cancellationToken = default) =>
        (await ReadRootFileAsync(master, K3s.NodeTokenPath, "read node token", cancellationToken).ConfigureAwait(false)).Trim();

    /// <summary>
    /// Joins a worker unless its agent is already active. The token is uploaded through stdin into a
    /// 0600 file and handed to k3s as a token file; it never appears in a command line. Returns true
    /// when the worker joined now.
    /// </summary>
    public static async Task<bool> JoinK3sAgentAsync(IRemoteHost worker, K3sAgent agent,
        CancellationToken cancellationToken = default, Action<OutputLine>? onLine = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(agent);
        RequireWord(agent.ServerPrivateIp, nameof(agent.ServerPrivateIp));
        RequireWord(agent.PrivateIp, nameof(agent.PrivateIp));
        RequireWord(agent.NodeName, nameof(agent.NodeName));
        RequireWord(agent.Version, nameof(agent.Version));
        ArgumentException.ThrowIfNullOrWhiteSpace(agent.Token);
        if (await IsK3sAgentActiveAsync(worker, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        string[] installer = agent.Installer is { } given ? await UploadInstallerAsync(worker, given, cancellationToken).ConfigureAwait(false) : [];
        const string tokenFile = ".nvoi-k3s-agent-token";
        using (var token = new MemoryStream(Encoding.UTF8.GetBytes(agent.Token.Trim() + "\n")))
        {
            await worker.UploadAsync(token, tokenFile, cancellationToken).ConfigureAwait(false);
        }
        string[] args = [agent.ServerPrivateIp, tokenFile, agent.PrivateIp, agent.NodeName, agent.Version, Seconds(agent.ReadyTimeout)];
        var result = await RunScriptAsync(worker, HostScripts.K3sAgent, "join k3s agent",
            [.. args, .. LabelArgument(agent.NodeLabel, installer.Length > 0), .. installer], onLine, cancellationToken,
            agent.ReadyTimeout + ScriptSlack).ConfigureAwait(false);
        return Lines(result.Stdout).Contains("k3s-agent: joined");
    }

    /// <summary>
    /// Removes containerd images of <paramref name="repository"/> (e.g. <c>localhost:30500/app</c>)
    /// beyond the newest <paramref name="keep"/> tags, never <c>latest</c>, an image a pod uses nor one of
    /// <paramref name="alsoKeep"/> (full references: the running image and the one a rollback goes back to).
    /// Returns the references removed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PruneImagesAsync(IRemoteHost master, string repository, int keep,
        CancellationToken cancellationToken = default, IReadOnlyList<string>? alsoKeep = null)
    {
        RequireWord(repository, nameof(repository));
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        foreach (var image in alsoKeep ?? []) RequireWord(image, nameof(alsoKeep));
        var result = await RunScriptAsync(master, HostScripts.PruneImages, "prune images",
            [repository, keep.ToString(CultureInfo.InvariantCulture), .. alsoKeep ?? []], null, cancellationToken).ConfigureAwait(false);
        return Lines(result.Stdout).Where(l => l.StartsWith("removed: ", StringComparison.Ordinal))
            .Select(l => l["removed: ".Length..]).ToArray();
    }
}
