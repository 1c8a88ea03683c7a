using System.Reflection;

namespace Nvoi.Hosts;

/// <summary>
/// The shell scripts nvoi runs on servers (embedded resources <c>Hosts/Scripts/*.sh</c>). Each starts
/// with <c>#!/bin/sh</c>, a <c># nvoi-script: NAME</c> line and <c>set -eu</c>, takes its inputs as
/// positional arguments only and is safe to run twice.
/// </summary>
public static class HostScripts
{
    /// <summary>The marker line prefix naming a script.</summary>
    public const string NameMarker = "# nvoi-script: ";

    /// <summary>Waits for cloud-init to finish.</summary>
    public const string CloudInitWait = "cloud-init-wait";
    /// <summary>Formats (only when empty), mounts and records a volume in fstab.</summary>
    public const string MountVolume = "mount-volume";
    /// <summary>Installs the k3s server.</summary>
    public const string K3sServer = "k3s-server";
    /// <summary>Joins a k3s agent.</summary>
    public const string K3sAgent = "k3s-agent";
    /// <summary>Checks and enables the Traefik bundled with k3s (disabled on clusters made by nvoi 0.2.0).</summary>
    public const string K3sTraefik = "k3s-traefik";
    /// <summary>Acquires, reads and releases the deploy lock.</summary>
    public const string DeployLock = "deploy-lock";
    /// <summary>Removes old containerd images of a repository.</summary>
    public const string PruneImages = "prune-images";

    /// <summary>Creates the database branches directory, owned by the session's user.</summary>
    public const string DbBranchPrepare = "db-branch-prepare";
    /// <summary>Dumps the database into a branch file (streamed on the server) and reports its SHA-256 and size.</summary>
    public const string DbBranchCreate = "db-branch-create";
    /// <summary>Checks a branch's SHA-256 and loads it into a new database.</summary>
    public const string DbBranchRestore = "db-branch-restore";

    private const string Prefix = "Nvoi.Hosts.Scripts.";

    /// <summary>Every script name shipped with nvoi.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(HostScripts).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sh", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^3])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Opens the script <paramref name="name"/> (without <c>.sh</c>) for reading.</summary>
    public static Stream Open(string name) =>
        typeof(HostScripts).Assembly.GetManifestResourceStream(Prefix + name + ".sh")
            ?? throw new ArgumentException($"No host script named {name}.", nameof(name));

    /// <summary>The text of the script <paramref name="name"/>.</summary>
    public static string Text(string name)
    {
        using var reader = new StreamReader(Open(name));
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The name in a script's <c># nvoi-script: NAME</c> line, looked for in the first lines of
    /// <paramref name="scriptText"/>; null when there is none.
    /// </summary>
    public static string? NameOf(string scriptText)
    {
        ArgumentNullException.ThrowIfNull(scriptText);
        foreach (var line in scriptText.Split('\n').Take(5))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.StartsWith(NameMarker, StringComparison.Ordinal))
            {
                return trimmed[NameMarker.Length..].Trim();
            }
        }
        return null;
    }
}
