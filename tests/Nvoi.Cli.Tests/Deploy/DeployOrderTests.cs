using System.Collections.Concurrent;
using Nvoi.Operations.Deploy;
using Nvoi.Operations.Progress;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>What runs at once and what a deploy does not ask twice.</summary>
public class DeployOrderTests
{
    private static int IndexOf(RecordingSink sink, Func<ProgressEvent, bool> match) =>
        sink.Events.ToList().FindIndex(e => match(e));

    [Theory]
    [InlineData("hetzner-postgres", true)]
    [InlineData("scaleway", true)]
    [InlineData("aws", false)] // a security group belongs to its VPC
    public async Task The_firewall_is_created_alongside_the_network_unless_it_lives_inside_it(string example, bool together)
    {
        using var project = new SandboxProject(example);
        var sink = new RecordingSink();
        await EngineHarness.DeployAsync(project, sink);
        var firewallStarts = IndexOf(sink, e => e is StepStarted { Id: "firewall" });
        var networkEnds = IndexOf(sink, e => e is StepFinished { Id: "network" });
        Assert.True(firewallStarts >= 0 && networkEnds >= 0);
        Assert.Equal(together, firewallStarts < networkEnds);
    }

    [Fact]
    public async Task A_deploy_right_after_its_plan_does_not_look_the_names_up_again()
    {
        using var project = new SandboxProject("hetzner-cluster");
        var requests = new ConcurrentQueue<string>();
        var settings = new SandboxSettings { OnRequest = (key, method, path) => requests.Enqueue($"{key} {method} {path}") };
        await EngineHarness.DeployAsync(project, settings: settings);

        int Count(string prefix) => requests.Count(r => r.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal(1, Count("hetzner GET /v1/networks?name="));   // the plan's observation
        Assert.Equal(1, Count("hetzner GET /v1/firewalls?name="));
        Assert.Equal(0, Count("hetzner GET /v1/servers?name="));    // the observation listed them
        Assert.Equal(1, Count("hetzner POST /v1/networks"));
        Assert.Equal(3, Count("hetzner POST /v1/servers"));
    }

    [Fact]
    public async Task A_deploy_without_a_plan_plans_first_and_looks_no_name_up_again()
    {
        using var project = new SandboxProject("hetzner-cluster");
        var requests = new ConcurrentQueue<string>();
        var settings = new SandboxSettings { OnRequest = (key, method, path) => requests.Enqueue($"{key} {method} {path}") };
        var config = EngineHarness.Config(project);
        await using (var world = await EngineHarness.WorldAsync(project, config, settings))
            await new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project)).DeployAsync(default);

        int Count(string prefix) => requests.Count(r => r.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal(1, Count("hetzner GET /v1/networks?name="));   // its own plan's observation
        Assert.Equal(1, Count("hetzner GET /v1/firewalls?name="));
        Assert.Equal(0, Count("hetzner GET /v1/servers?name="));
        Assert.Equal(3, Count("hetzner POST /v1/servers"));
    }
}
