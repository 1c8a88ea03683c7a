using k8s;
using k8s.Models;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Credentials;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>The network is created (or, half-created, finished).</summary>
public sealed record CreateNetwork(string Name, string Reason) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.Create, "network", Name, Reason)];
}

/// <summary>The firewall is created (inbound TCP 22 only).</summary>
public sealed record CreateFirewall(string Name) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.Create, "firewall", Name, "not found (inbound TCP 22 only)")];
}

/// <summary>The network and the firewall: created when not found.</summary>
internal static class NetworkStep
{
    public static IEnumerable<PlannedChange> Plan(DesiredState desired, LiveState live)
    {
        var name = desired.Names.Network;
        yield return live.Network is null ? new CreateNetwork(name, "not found")
            : live.NetworkIncomplete ? new CreateNetwork(name, "found without its subnet (a create was cut short): finished")
            : new Unchanged(new(PlanActionKind.None, "network", name, "exists"));
        yield return live.Firewall is null
            ? new CreateFirewall(desired.Names.Firewall)
            : new Unchanged(new(PlanActionKind.None, "firewall", desired.Names.Firewall, "exists"));
    }
}

/// <summary>
/// Step "network" and "firewall": the plan's creates. The plan's observation, a few seconds old (a deploy
/// plans again when it is older), is the look-up before each create; a run killed after one finds it so.
/// </summary>
public sealed partial class Deployer
{
    private sealed record Network(NetworkInfo Info, FirewallInfo Firewall);

    /// <summary>The network and the firewall, at once unless the provider puts the firewall inside the network.</summary>
    private async Task<Network> EnsureNetworkAsync(Plan plan, LiveState live, CancellationToken ct)
    {
        var cloud = _world.Cloud;
        var createNetwork = plan.ChangesOf<CreateNetwork>().Any();
        var network = _steps.RunAsync("network", null, $"Network {_desired.Names.Network} (10.0.0.0/16)", async () =>
        {
            if (!createNetwork) return new StepOutcome<NetworkInfo>(live.Network!, "exists");
            // On AWS the subnet, gateway and routes are separate resources: create finishes a VPC found without its subnet.
            return new StepOutcome<NetworkInfo>(await cloud.CreateNetworkAsync(_desired.Names.Network, _desired.Location, ct), "created");
        });
        if (_options.Sequential || cloud.FirewallNeedsNetwork) await network;
        var createFirewall = plan.ChangesOf<CreateFirewall>().Any();
        var firewall = await _steps.RunAsync("firewall", null, $"Firewall {_desired.Names.Firewall} (inbound TCP 22 only)", async () =>
        {
            if (!createFirewall) return new StepOutcome<FirewallInfo>(live.Firewall!, "exists");
            return new StepOutcome<FirewallInfo>(await cloud.CreateFirewallAsync(_desired.Names.Firewall, cloud.FirewallNeedsNetwork ? await network : null, ct), "created");
        });
        return new Network(await network, firewall);
    }
}
