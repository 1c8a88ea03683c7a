namespace Nvoi.Operations.Deploy;

/// <summary>
/// Desired against live: every change a deploy makes, each with a reason, in the order the deploy applies
/// them. Pure: each step (Steps/) plans its own part, and the deploy executes exactly those parts.
/// </summary>
public static class DeployPlanner
{
    public static Plan Plan(DesiredState desired, LiveState live, ClusterPlan? cluster) => new(
    [
        .. NetworkStep.Plan(desired, live),
        .. ServersStep.Plan(desired, live),
        .. VolumesStep.Plan(desired, live),
        .. K3sStep.Plan(desired, live),
        .. Adopt020Step.PlanTraefik(desired, live),
        .. TunnelsStep.Plan(desired, live),
        .. Adopt020Step.PlanSwitch(desired, live),
        .. WorkloadsStep.Plan(desired, cluster),
        .. ScaleDownStep.Plan(live),
        .. Adopt020Step.PlanCleanup(desired, live),
    ]);
}

/// <summary>The cluster's part of a plan: the image and every object, compared by applied hash.</summary>
public sealed record ClusterPlan(PlannedAction Image, IReadOnlyList<PlannedAction> Objects);
