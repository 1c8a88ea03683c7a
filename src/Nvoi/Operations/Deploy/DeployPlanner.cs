namespace Nvoi.Operations.Deploy;

/// <summary>
/// Desired against live: every change a deploy makes, typed, each with a reason, in the order the deploy applies
/// them. Pure: each step (Steps/) plans its own part, and the deploy executes exactly those changes.
/// </summary>
public static class DeployPlanner
{
    public static Plan Plan(DesiredState desired, LiveState live, ClusterPlan? cluster) => Operations.Plan.Of(
    [
        .. NetworkStep.Plan(desired, live),
        .. ServersStep.Plan(desired, live),
        .. VolumesStep.Plan(desired, live),
        .. K3sStep.Plan(desired, live),
        .. Adopt020Step.PlanTraefik(desired, live),
        .. TunnelsStep.Plan(desired, live),
        .. Adopt020Step.PlanSwitch(desired, live),
        .. WorkloadsStep.Plan(desired, cluster),
        .. RemoveTunnelsStep.Plan(live),
        .. ScaleDownStep.Plan(live),
        .. Adopt020Step.PlanCleanup(desired, live),
    ]);
}

/// <summary>
/// The cluster's part of a plan: the image (<see cref="BuildImage"/> or <see cref="ReuseImage"/>), every object
/// compared by applied hash, and whether the deploy history exists yet.
/// </summary>
public sealed record ClusterPlan(PlannedChange Image, IReadOnlyList<PlannedChange> Objects, bool HistoryExists = true);
