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

/// <summary>The network and the firewall: created when not found.</summary>
internal static class NetworkStep
{
    public static IEnumerable<PlannedAction> Plan(DesiredState desired, LiveState live)
    {
        yield return live.Network is null
            ? new(PlanActionKind.Create, "network", desired.Names.Network, "not found")
            : new(PlanActionKind.None, "network", desired.Names.Network, "exists");
        yield return live.Firewall is null
            ? new(PlanActionKind.Create, "firewall", desired.Names.Firewall, "not found (inbound TCP 22 only)")
            : new(PlanActionKind.None, "firewall", desired.Names.Firewall, "exists");
    }
}

/// <summary>Step "network" and "firewall": find or create.</summary>
public sealed partial class Deployer
{
    private sealed record Network(NetworkInfo Info, FirewallInfo Firewall);

    /// <summary>
    /// The network and the firewall, at once unless the provider puts the firewall inside the network.
    /// A fresh observation of this run stands in for looking their names up again.
    /// </summary>
    private async Task<Network> EnsureNetworkAsync(CancellationToken ct)
    {
        var cloud = _world.Cloud;
        var observed = FreshObservation;
        var network = _steps.RunAsync("network", null, $"Network {_desired.Names.Network} (10.0.0.0/16)", async () =>
        {
            var found = observed is not null ? observed.Network : await cloud.FindNetworkAsync(_desired.Names.Network, ct);
            // On AWS the subnet, gateway and routes are separate resources: a VPC found without its
            // subnet was half-created, and create finishes it. Other providers keep the subnet inside.
            var complete = found is not null && (found.SubnetId is not null || cloud.Name != "aws");
            if (complete) return new StepOutcome<NetworkInfo>(found!, "exists");
            return new StepOutcome<NetworkInfo>(await cloud.CreateNetworkAsync(_desired.Names.Network, _desired.Location, ct), "created");
        });
        if (_options.Sequential || cloud.FirewallNeedsNetwork) await network;
        var firewall = await _steps.RunAsync("firewall", null, $"Firewall {_desired.Names.Firewall} (inbound TCP 22 only)", async () =>
        {
            var found = observed is not null ? observed.Firewall : await cloud.FindFirewallAsync(_desired.Names.Firewall, ct);
            return found is not null
                ? new StepOutcome<FirewallInfo>(found, "exists")
                : new StepOutcome<FirewallInfo>(await cloud.CreateFirewallAsync(_desired.Names.Firewall, cloud.FirewallNeedsNetwork ? await network : null, ct), "created");
        });
        return new Network(await network, firewall);
    }
}
