using Nvoi.Cloud;
using Nvoi.Configuration;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>
/// `nvoi plan` and `nvoi deploy`: observe live state by name, plan desired against live, apply
/// the plan with independent work in parallel. This file only orders the steps; each step (Steps/)
/// holds its planning (<c>XStep.Plan</c>, composed by <see cref="DeployPlanner"/>) and its apply.
/// Every step finds before it creates, so a deploy that died anywhere is finished by running it again.
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

    /// <summary>The last observation of this run (null before a plan).</summary>
    private LiveState? _live;

    /// <summary>How long an observation stands in for a look-up by name (longer: a confirmation question came between).</summary>
    internal static readonly TimeSpan ObservationReuse = TimeSpan.FromSeconds(10);

    /// <summary>The observation when it is recent enough to replace a look-up, else null (look again).</summary>
    private LiveState? FreshObservation =>
        _live is { } live && _world.Time.GetUtcNow() - live.ObservedAt <= ObservationReuse ? live : null;

    /// <summary>Reads everything and returns the plan; changes nothing.</summary>
    public async Task<Plan> PlanAsync(CancellationToken ct)
    {
        CheckBuildInputs();
        var live = await _steps.RunAsync("observe", null, "Read live state", async () =>
            new StepOutcome<LiveState>(await new Observer(_world).ObserveAsync(_desired, ct), null));
        _live = live;
        var cluster = await ObserveClusterAsync(live, ct);
        var plan = DeployPlanner.Plan(_desired, live, cluster);
        _steps.Report(new PlanComputed(plan));
        return plan;
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
        // Independent from the servers: Cloudflare tunnels and the image build start at once.
        var tunnels = EnsureTunnelsAsync(ct);
        var build = PrepareImageAsync(ct);
        var surplus = SurplusServersAsync(ct);
        if (_options.Sequential) await Task.WhenAll(tunnels, build);

        var network = await EnsureNetworkAsync(ct);
        var servers = await EnsureServersAsync(network, ct);
        var master = servers[_desired.Master.Name];
        var masterHost = _world.Host(master);

        var lockTaken = await AcquireLockAsync(masterHost, ct);
        try
        {
            var volumes = EnsureVolumesAsync(servers, ct);
            if (_options.Sequential) await volumes;
            Task<Workloads>? workloads = null;
            var cluster = await EnsureClusterAsync(servers, access => workloads = PrepareWorkloadsAsync(access, tunnels, build, ct), ct);
            await using (cluster)
            {
                await volumes;
                var ready = await workloads!;
                await SwitchTunnelsToTraefikAsync(cluster, ready.Manifests, ct); // a cluster made by nvoi 0.2.0: before the rollout
                await Nvoi.Cluster.DeployHistory.RecordAsync(cluster.Client, _desired.Names.App, ready.Manifests, _options.Holder.Holder, _world.Time, () => ApplyWorkloadsAsync(cluster, masterHost, ready, ct), ct,
                    _options.ImageTag is null ? null : Nvoi.Cluster.DeployRecord.Rollback, _options.RollbackNote);
                await ScaleDownAsync(cluster, await surplus, ready.Manifests, ct);
                // Both only read or tidy once the rollout is done.
                var verify = VerifyAsync(ct);
                if (_options.Sequential) await verify;
                await Task.WhenAll(verify, PruneImagesAsync(cluster.Client, masterHost, Nvoi.Cluster.DeployHistory.ImageOf(ready.Manifests), ct));
                await RemoveIngressNginxAsync(cluster, ct); // only once every URL answered through Traefik
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
