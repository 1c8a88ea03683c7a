namespace Nvoi.Operations.Deploy;

/// <summary>How a deploy runs: where the code is, who runs it, how host keys are persisted.</summary>
public sealed record DeployOptions
{
    /// <summary>The build context (the -d directory).</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The Dockerfile; default WorkingDirectory/Dockerfile.</summary>
    public string? DockerfilePath { get; init; }

    /// <summary>
    /// A rollback: roll out this tag of the app image, already in the cluster registry, instead of building one
    /// (no build, no push; the image step checks the registry has it). Recorded in the history as a rollback.
    /// </summary>
    public string? ImageTag { get; init; }

    /// <summary>Why this rollback runs (kept in the history with it), e.g. the URL check that failed.</summary>
    public string? RollbackNote { get; init; }

    /// <summary>Recorded in the deploy lock: user@host, boot id, pid namespace and pid of this process.</summary>
    public LockProcess Holder { get; init; } = LockProcess.Current();

    /// <summary>Whether a pid runs here: a lock whose holder is provably gone is taken over.</summary>
    public Func<int, bool> IsProcessRunning { get; init; } = LockProcess.IsRunning;

    public string NvoiVersion { get; init; } = "0.0.0";

    /// <summary>Saves a pinned host key into deploy.enc (null: kept for this run only).</summary>
    public Func<string, string, Task>? PinHostKey { get; init; }

    /// <summary>Servers whose changed host key the user accepts (exec --retrust-host-key).</summary>
    public IReadOnlySet<string> RetrustHostKeys { get; init; } = new HashSet<string>();

    /// <summary>Runs every action one after another, as nvoi 0.2.0 did (for benchmarks).</summary>
    public bool Sequential { get; init; }

    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan RolloutTimeout { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan SshTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Age after which a lock that names no process (nvoi 0.2.0's) is replaced, as 0.2.0 does.</summary>
    public TimeSpan LockStaleAfter { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Traffic verification: consecutive good answers needed, attempts, and the wait between them.</summary>
    public int VerifyConsecutive { get; init; } = 3;
    public int VerifyAttempts { get; init; } = 10;
    public TimeSpan VerifyInterval { get; init; } = TimeSpan.FromSeconds(5);
}
