namespace Nvoi.Sandbox.Emulation;

/// <summary>Settings shared by every emulator: zero latency and no faults in tests, realistic in benchmarks.</summary>
public sealed record EmulatorOptions
{
    /// <summary>Added to every request before it is answered.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>Fraction (0..1) of requests answered with an injected fault (429 with Retry-After, 503 before the work, or 500 after it).</summary>
    public double FaultRate { get; init; }

    /// <summary>Seed of the fault injection, so a failing run can be replayed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How long a compute server stays "starting" before it runs.</summary>
    public TimeSpan ServerBootTime { get; init; } = TimeSpan.Zero;

    /// <summary>Where state is persisted between runs; null keeps it in memory only.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>The clock of the emulator (fake in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Hears every counted request as it arrives (emulator key, method, path): benchmarks trace with it.</summary>
    public Action<string, string, string>? OnRequest { get; init; }

    /// <summary>The request log of changes: every counted request that is not a GET or HEAD, once answered.</summary>
    public Action<MutatingRequest>? OnMutation { get; init; }

    /// <summary>Free-form per-emulator settings (e.g. Cloudflare zones, Kubernetes crash-looping images).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}

/// <summary>One answered request that may have changed something: emulator key, method, path and status.</summary>
public sealed record MutatingRequest(string Emulator, string Method, string Path, int Status);
