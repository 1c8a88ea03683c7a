namespace Nvoi.Hosts;

/// <summary>The k3s release nvoi installs.</summary>
public static class K3s
{
    /// <summary>Pinned k3s version (a stable release tag).</summary>
    public const string Version = "v1.33.3+k3s1";

    /// <summary>The kubeconfig k3s writes on the server (mode 0600, root).</summary>
    public const string KubeconfigPath = "/etc/rancher/k3s/k3s.yaml";

    /// <summary>The server's node token (join secret for agents).</summary>
    public const string NodeTokenPath = "/var/lib/rancher/k3s/server/node-token";

    /// <summary>The registry mirror file on every node.</summary>
    public const string RegistriesPath = "/etc/rancher/k3s/registries.yaml";

    /// <summary>Where an agent keeps its join token (0600, root).</summary>
    public const string AgentTokenPath = "/etc/rancher/k3s/agent-token";
}

/// <summary>
/// A k3s installer script on this machine (for servers that cannot reach https://get.k3s.io), pinned by
/// its SHA-256: nvoi checks the file before uploading it and the server checks it again before running it.
/// </summary>
/// <param name="LocalPath">The installer (e.g. a saved copy of https://get.k3s.io).</param>
/// <param name="Sha256">Its SHA-256, 64 hex digits.</param>
public sealed record K3sInstaller(string LocalPath, string Sha256)
{
    /// <summary>Where the installer is uploaded, in the deploy user's home (the script moves it away).</summary>
    public const string RemotePath = ".nvoi-k3s-install.sh";
}

/// <summary>What to install on the master.</summary>
/// <param name="PrivateIp">The master's address on the private network (k3s binds to it).</param>
/// <param name="NodeName">The Kubernetes node name (the server's name).</param>
/// <param name="Version">k3s version tag, default <see cref="K3s.Version"/>.</param>
public sealed record K3sServer(string PrivateIp, string NodeName, string Version = K3s.Version)
{
    /// <summary>A label (key=value) the node registers with; none when null.</summary>
    public string? NodeLabel { get; init; }

    /// <summary>The installer to upload and run instead of downloading get.k3s.io; null downloads it.</summary>
    public K3sInstaller? Installer { get; init; }

    /// <summary>How long the script waits for the node to become Ready.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>What a worker needs to join.</summary>
/// <param name="ServerPrivateIp">The master's private address (API on port 6443).</param>
/// <param name="Token">The master's node token; secret, only ever sent through stdin.</param>
/// <param name="PrivateIp">The worker's private address.</param>
/// <param name="NodeName">The worker's node name.</param>
/// <param name="Version">k3s version tag, default <see cref="K3s.Version"/>.</param>
public sealed record K3sAgent(string ServerPrivateIp, string Token, string PrivateIp, string NodeName, string Version = K3s.Version)
{
    /// <summary>A label (key=value) the node registers with; none when null.</summary>
    public string? NodeLabel { get; init; }

    /// <summary>The installer to upload and run instead of downloading get.k3s.io; null downloads it.</summary>
    public K3sInstaller? Installer { get; init; }

    /// <summary>How long the script waits for the agent service to become active.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Never prints the token.</summary>
    public override string ToString() =>
        $"K3sAgent {{ ServerPrivateIp = {ServerPrivateIp}, PrivateIp = {PrivateIp}, NodeName = {NodeName}, Version = {Version}, NodeLabel = {NodeLabel}, Installer = {Installer} }}";
}

/// <summary>The outcome of mounting a volume.</summary>
/// <param name="Formatted">True when the device had no filesystem and was formatted (XFS) now.</param>
/// <param name="Uuid">The filesystem UUID recorded in /etc/fstab.</param>
public sealed record MountResult(bool Formatted, string Uuid);

/// <summary>A host script ended with an error: names the server, the step and the script's last error line.</summary>
public sealed class HostSetupException : NvoiException
{
    /// <summary>Creates the error.</summary>
    public HostSetupException(string server, string step, int exitCode, string detail)
        : base($"Server {server}: {step} failed (exit {exitCode}){(detail.Length > 0 ? ": " + detail : "")}")
    {
        Server = server;
        Step = step;
        ScriptExitCode = exitCode;
    }

    /// <summary>The server's name.</summary>
    public string Server { get; }

    /// <summary>What was being done (e.g. "mount volume").</summary>
    public string Step { get; }

    /// <summary>The script's exit code.</summary>
    public int ScriptExitCode { get; }
}
