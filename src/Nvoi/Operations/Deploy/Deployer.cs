using Nvoi.Cloud;
using Nvoi.Configuration;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>
/// `nvoi plan` and `nvoi deploy`: observe live state by name, plan desired against live, execute
/// the plan's typed changes with independent work in parallel. This file only orders the steps; each step
/// (Steps/) holds its planning (<c>XStep.Plan</c>, composed by <see cref="DeployPlanner"/>) and the executor
/// of its changes. Every executor finds before it creates, so a deploy that died anywhere is finished by running it again.
/// </summary>
public sealed partial class Deployer
{
    private readonly DeployConfig _config;
    private readonly IWorld _world;
    private readonly DeployOptions _options;
    private readonly StepRunner _steps;
    private readonly DesiredState _desired;

    public Deployer(DeployConfig config, IWorld world, IProgressSink progress, DeployOptions options)
    {
        _config = config;
        _world = world;
        _options = options;
        _steps = new StepRunner(progress, world.Time);
        _desired = new DesiredState(config);
    }

    public DesiredState Desired => _desired;

    /// <summary>The last plan of this run, the observation it was made from, and when it was done (null before a plan).</summary>
    private (Plan Plan, LiveState Live, DateTimeOffset At)? _planned;

    /// <summary>
    /// How long a plan stands for the live state: a deploy that starts later (a confirmation question came
    /// between) observes again and plans again. Default of <see cref="DeployOptions.ObservationReuse"/>.
    /// </summary>
    internal static readonly TimeSpan ObservationReuse = TimeSpan.FromSeconds(10);

    /// <summary>Reads everything and returns the plan; changes nothing.</summary>
    public async Task<Plan> PlanAsync(CancellationToken ct)
    {
        CheckBuildInputs();
        var live = await _steps.RunAsync("observe", null, "Read live state", async () =>
            new StepOutcome<LiveState>(await new Observer(_world).ObserveAsync(_desired, ct), null));
        var cluster = await ObserveClusterAsync(live, ct);
        var plan = DeployPlanner.Plan(_desired, live, cluster);
        _planned = (plan, live, _world.Time.GetUtcNow());
        _steps.Report(new PlanComputed(plan));
        return plan;
    }

    /// <summary>
    /// The plan the deploy executes: this run's plan while it is recent; else observed and planned again, and
    /// refused when the new plan deletes what the shown (confirmed) plan did not.
    /// </summary>
    private async Task<(Plan Plan, LiveState Live)> PlanToExecuteAsync(CancellationToken ct)
    {
        if (_planned is { } planned && _world.Time.GetUtcNow() - planned.At <= _options.ObservationReuse) return (planned.Plan, planned.Live);
        var shown = _planned?.Plan;
        var plan = await PlanAsync(ct);
        if (shown is not null)
        {
            var confirmed = shown.Actions.Where(a => a.IsDestructive).Select(a => (a.Kind, a.Name)).ToHashSet();
            var unconfirmed = plan.Actions.Where(a => a.IsDestructive && !confirmed.Contains((a.Kind, a.Name))).ToList();
            if (unconfirmed.Count > 0)
                throw new NvoiException($"the live state changed since the plan was shown: the deploy would now also delete " +
                    $"{string.Join(", ", unconfirmed.Select(a => $"{a.Kind} {a.Name}"))}. Nothing was changed; run `nvoi deploy` again to see the new plan.");
        }
        return (plan, _planned!.Value.Live);
    }

    /// <summary>Validates the provider settings and reads the plan at the same time (both only read).</summary>
    public async Task<Plan> ValidateAndPlanAsync(CancellationToken ct)
    {
        var validate = ValidateProviderAsync(ct);
        var plan = PlanAsync(ct);
        try
        {
            await validate; // a refused token or an unknown server type is the clearer error
        }
        catch
        {
            try { await plan; } catch { /* the validation error is reported */ }
            throw;
        }
        return await plan;
    }

    /// <summary>Runs the body for every item: all at once, or one after another with <see cref="DeployOptions.Sequential"/>.</summary>
    private async Task<T[]> AllAsync<TItem, T>(IEnumerable<TItem> items, Func<TItem, Task<T>> body)
    {
        if (!_options.Sequential) return await Task.WhenAll(items.Select(body));
        var results = new List<T>();
        foreach (var item in items) results.Add(await body(item));
        return [.. results];
    }

    private Task AllAsync<TItem>(IEnumerable<TItem> items, Func<TItem, Task> body) =>
        AllAsync(items, async item => { await body(item); return true; });

    /// <summary>Applies the deploy; returns the public URLs.</summary>
    public async Task<IReadOnlyList<string>> DeployAsync(CancellationToken ct)
    {
        // Before the first create: what the config cannot say (names and rules are checked as it loads).
        CheckBuildInputs();
        var (plan, live) = await PlanToExecuteAsync(ct);
        // Independent from the servers: Cloudflare tunnels and the image build start at once.
        var tunnels = EnsureTunnelsAsync(plan, ct);
        var build = PrepareImageAsync(ct);
        if (_options.Sequential) await Task.WhenAll(tunnels, build);

        var network = await EnsureNetworkAsync(plan, live, ct);
        var servers = await EnsureServersAsync(plan, network, ct);
        var master = servers[_desired.Master.Name];
        var masterHost = _world.Host(master);

        var lockTaken = await AcquireLockAsync(masterHost, ct);
        try
        {
            var volumes = EnsureVolumesAsync(plan, servers, ct);
            if (_options.Sequential) await volumes;
            Task<Workloads>? workloads = null;
            var cluster = await EnsureClusterAsync(plan, servers, access => workloads = PrepareWorkloadsAsync(plan, access, tunnels, build, ct), ct);
            await using (cluster)
            {
                await volumes;
                var ready = await workloads!;
                await SwitchTunnelsToTraefikAsync(plan, cluster, ready.Manifests, ct); // a cluster made by nvoi 0.2.0: before the rollout
                Task Rollout() => ApplyWorkloadsAsync(plan, cluster, masterHost, ready, ct);
                if (WorkloadsStep.Records(plan))
                    await Nvoi.Cluster.DeployHistory.RecordAsync(cluster.Client, _desired.Names.App, ready.Manifests, _options.Holder.Holder, _world.Time, Rollout, ct,
                        _options.ImageTag is null ? null : Nvoi.Cluster.DeployRecord.Rollback, _options.RollbackNote);
                else
                    await Rollout();
                await ScaleDownAsync(plan, cluster, ready.Manifests, ct);
                // Both only read or tidy once the rollout is done.
                var verify = VerifyAsync(ct);
                if (_options.Sequential) await verify;
                await Task.WhenAll(verify, PruneImagesAsync(cluster.Client, masterHost, Nvoi.Cluster.DeployHistory.ImageOf(ready.Manifests), ct));
                await RemoveIngressNginxAsync(plan, cluster, ct); // only once every URL answered through Traefik
            }
        }
        finally
        {
            if (lockTaken) await ReleaseLockAsync(masterHost);
        }
        var urls = _desired.Urls.ToList();
        _steps.Report(new RunCompleted(urls));
        return urls;
    }
}
