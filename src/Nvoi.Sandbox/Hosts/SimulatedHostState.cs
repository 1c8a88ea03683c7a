namespace Nvoi.Sandbox.Hosts;

/// <summary>What a simulated server holds; persisted as JSON, one file per server.</summary>
public sealed class SimulatedHostState
{
    /// <summary>Regular files: absolute path → blob file name (content lives on disk beside the state).</summary>
    public SortedDictionary<string, string> Files { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Directories that exist (ancestors of files count too).</summary>
    public SortedSet<string> Directories { get; set; } = new(StringComparer.Ordinal)
    {
        "/", "/etc", "/home", "/home/deploy", "/opt", "/tmp", "/var", "/var/lib",
    };

    /// <summary>Active systemd services (<c>k3s</c>, <c>k3s-agent</c>).</summary>
    public SortedSet<string> ActiveServices { get; set; } = new(StringComparer.Ordinal);

    /// <summary>True once cloud-init has finished (servers boot finished in the sandbox).</summary>
    public bool CloudInitDone { get; set; } = true;

    /// <summary>Filesystems on block devices: device path → filesystem.</summary>
    public SortedDictionary<string, SimulatedFilesystem> Filesystems { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Mounts: mount path → device path.</summary>
    public SortedDictionary<string, string> Mounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many times a device was formatted (device path → count).</summary>
    public SortedDictionary<string, int> FormatCount { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The k3s node on this server, once installed or joined.</summary>
    public SimulatedK3sNode? K3s { get; set; }

    /// <summary>How many times k3s was installed or joined here.</summary>
    public int K3sInstallCount { get; set; }

    /// <summary>How many times k3s was restarted here (enabling its Traefik).</summary>
    public int K3sRestartCount { get; set; }

    /// <summary>containerd image references (k8s.io namespace).</summary>
    public SortedSet<string> Images { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Databases inside database pods (postgres, mysql): "POD/NAME" → blob file name of their content.</summary>
    public SortedDictionary<string, string> Databases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The in-cluster registry's storage on this server (its hostPath): repository → tag → image. It outlives the
    /// registry pod, as the real hostPath does; the prune of containerd images never touches it.
    /// </summary>
    public SortedDictionary<string, SortedDictionary<string, SimulatedRegistryImage>> Registry { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Image references used by pods (never pruned).</summary>
    public SortedSet<string> ImagesInUse { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>An image pushed to the simulated registry: its content digest and build time.</summary>
public sealed record SimulatedRegistryImage(string Digest, DateTimeOffset Created);

/// <summary>A filesystem made on a simulated block device.</summary>
public sealed record SimulatedFilesystem(string Type, string Uuid);

/// <summary>A k3s node on a simulated server.</summary>
/// <param name="Role">"server" or "agent".</param>
public sealed record SimulatedK3sNode(string Role, string NodeName, string PrivateIp, string Version, string? ServerPrivateIp)
{
    /// <summary>The label (key=value) the node registered with, if any.</summary>
    public string? NodeLabel { get; init; }

    /// <summary>The SHA-256 of the installer nvoi uploaded, or null when get.k3s.io was downloaded.</summary>
    public string? InstallerSha256 { get; init; }
}
