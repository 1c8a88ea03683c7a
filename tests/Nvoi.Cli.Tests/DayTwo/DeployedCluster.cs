using Nvoi.Cli.Tests.Deploy;

namespace Nvoi.Cli.Tests.DayTwo;

/// <summary>The hetzner-cluster example (a master and two workers) deployed once in the sandbox, shared by a test class.</summary>
public sealed class DeployedCluster : IAsyncLifetime
{
    public SandboxProject Project { get; } = new("hetzner-cluster");

    public async Task InitializeAsync()
    {
        var deploy = await Project.DeployAsync("--plain");
        if (deploy.ExitCode != 0) throw new InvalidOperationException($"deploy failed: {deploy.Err}\n{deploy.Out}");
    }

    public Task DisposeAsync()
    {
        Project.Dispose();
        return Task.CompletedTask;
    }
}
