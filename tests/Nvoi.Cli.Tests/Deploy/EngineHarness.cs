using System.Collections.Concurrent;
using Nvoi.Configuration;
using Nvoi.Operations.Deploy;
using Nvoi.Operations.Progress;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>Records events and can stop the run when a chosen event arrives (a deploy killed at that point).</summary>
public sealed class RecordingSink(Func<ProgressEvent, bool>? stopWhen = null) : IProgressSink
{
    private readonly CancellationTokenSource _kill = new();
    public ConcurrentQueue<ProgressEvent> Events { get; } = new();
    public CancellationToken Killed => _kill.Token;

    public void Report(ProgressEvent e)
    {
        Events.Enqueue(e);
        if (stopWhen?.Invoke(e) == true) _kill.Cancel();
    }
}

/// <summary>The deploy engine on a sandbox project, without the CLI.</summary>
public static class EngineHarness
{
    public static DeployConfig Config(SandboxProject project, string? branch = null) =>
        ConfigSource.FromText(project.ConfigText, _ => null, branch);

    public static async Task<SandboxWorld> WorldAsync(SandboxProject project, DeployConfig config, SandboxSettings? settings = null) =>
        await SandboxWorld.OpenAsync(config, Path.Combine(project.Run.Dir, ".nvoi", "sandbox"), TimeProvider.System, settings);

    public static DeployOptions Options(SandboxProject project, LockProcess? holder = null) => new()
    {
        WorkingDirectory = project.Run.Dir,
        VerifyInterval = TimeSpan.Zero,
        RolloutTimeout = TimeSpan.FromSeconds(30),
        Holder = holder ?? LockProcess.Current(),
    };

    public static async Task DeployAsync(SandboxProject project, IProgressSink? sink = null, SandboxSettings? settings = null,
        string? branch = null, LockProcess? holder = null, CancellationToken ct = default)
    {
        var config = Config(project, branch);
        await using var world = await WorldAsync(project, config, settings);
        var deployer = new Deployer(config, world, sink ?? NullProgressSink.Instance, Options(project, holder));
        await deployer.PlanAsync(ct);
        await deployer.DeployAsync(ct);
    }
}
