using Nvoi.Cloud;
using Nvoi.Configuration;
using Nvoi.Dns;
using Nvoi.Operations.Deploy;
using Nvoi.Operations.Progress;

namespace Nvoi.Operations.Delete;

/// <summary>How a delete runs.</summary>
public sealed record DeleteOptions
{
    /// <summary>Also delete the server volumes (the data). Off by default, unlike nvoi 0.2.0.</summary>
    public bool DeleteVolumes { get; init; }

    /// <summary>How long Cloudflare is polled while a tunnel is removed.</summary>
    public TunnelPublisherOptions? Tunnels { get; init; }
}

/// <summary>
/// `nvoi delete`: observe the deployment's resources by name, plan the teardown, and apply it in the
/// order of reference §7 (detach volumes → servers → volumes → firewall → network; tunnels and their
/// DNS records alongside). Every step finds before it deletes, so a delete that died is finished by
/// running it again, and a second delete has nothing to do.
/// </summary>
public sealed class Deleter
{
    private readonly IWorld _world;
    private readonly DeleteOptions _options;
    private readonly StepRunner _steps;
    private readonly DesiredState _desired;

    public Deleter(DeployConfig config, IWorld world, IProgressSink progress, DeleteOptions options)
    {
        _world = world;
        _options = options;
        _steps = new StepRunner(progress, world.Time);
        _desired = new DesiredState(config);
    }

    public DesiredState Desired => _desired;

    /// <summary>Reads everything and returns the teardown plan; changes nothing.</summary>
    public async Task<Plan> PlanAsync(CancellationToken ct)
    {
        var live = await _steps.RunAsync("observe", null, "Read live state", async () =>
            new StepOutcome<DeleteState>(await DeleteState.ObserveAsync(_world, _desired, ct), null));
        var plan = DeletePlanner.Plan(live, _options.DeleteVolumes);
        _steps.Report(new PlanComputed(plan));
        return plan;
    }

    /// <summary>Deletes the deployment (re-reading live state first).</summary>
    public async Task DeleteAsync(CancellationToken ct)
    {
        var live = await DeleteState.ObserveAsync(_world, _desired, ct);
        // Independent of the servers: Cloudflare goes at once.
        var tunnels = DeleteTunnelsAsync(live, ct);
        try
        {
            await DetachVolumesAsync(live, ct);
            await DeleteServersAsync(live, ct);
            if (_options.DeleteVolumes) await DeleteVolumesAsync(live, ct);
            if (live.Firewall is { } fw)
                await _steps.RunAsync("firewall", null, $"Firewall {fw.Name}", async () =>
                {
                    await _world.Cloud.DeleteFirewallAsync(fw, ct);
                    return "deleted";
                });
            if (live.Network is { } net)
                await _steps.RunAsync("network", null, $"Network {net.Name}", async () =>
                {
                    await _world.Cloud.DeleteNetworkAsync(net, ct);
                    return "deleted";
                });
        }
        finally
        {
            await tunnels.ContinueWith(_ => { }, TaskScheduler.Default); // observed below when the rest succeeded
        }
        await tunnels;
    }

    private Task DetachVolumesAsync(DeleteState live, CancellationToken ct)
    {
        var attached = live.Volumes.Where(v => v.ServerId is not null).ToList();
        if (attached.Count == 0) return Task.CompletedTask;
        return _steps.RunAsync("detach", null, $"Detach volumes ({attached.Count})", async () =>
        {
            await Task.WhenAll(attached.Select(v => _steps.RunAsync($"detach:{v.Name}", "detach", v.Name, async () =>
            {
                await _world.Cloud.DetachVolumeAsync(v, ct);
                return "detached";
            })));
            return null;
        });
    }

    /// <summary>All servers at once; the adapters take them off firewalls and networks first.</summary>
    private Task DeleteServersAsync(DeleteState live, CancellationToken ct)
    {
        if (live.Servers.Count == 0) return Task.CompletedTask;
        return _steps.RunAsync("servers", null, $"Servers ({live.Servers.Count})", async () =>
        {
            await Task.WhenAll(live.Servers.Select(s => _steps.RunAsync($"server:{s.Name}", "servers", s.Name, async () =>
            {
                await _world.Cloud.DeleteServerAsync(s, ct);
                await _world.ForgetServerAsync(s.Name, ct);
                return "deleted";
            })));
            return $"{live.Servers.Count} deleted";
        });
    }

    private Task DeleteVolumesAsync(DeleteState live, CancellationToken ct)
    {
        if (live.Volumes.Count == 0) return Task.CompletedTask;
        return _steps.RunAsync("volumes", null, $"Volumes ({live.Volumes.Count})", async () =>
        {
            await Task.WhenAll(live.Volumes.Select(v => _steps.RunAsync($"volume:{v.Name}", "volumes", v.Name, async () =>
            {
                await _world.Cloud.DeleteVolumeAsync(v, ct);
                return "deleted";
            })));
            return $"{live.Volumes.Count} deleted";
        });
    }

    private Task DeleteTunnelsAsync(DeleteState live, CancellationToken ct)
    {
        var present = live.Tunnels.Where(t => t.Changes.Count > 0).ToList();
        if (present.Count == 0) return Task.CompletedTask;
        var publisher = new TunnelPublisher(_world.Cloudflare, _world.Time, _options.Tunnels);
        return _steps.RunAsync("tunnels", null, $"Cloudflare tunnels ({present.Count})", async () =>
        {
            await Task.WhenAll(present.Select(t => _steps.RunAsync($"tunnel:{t.Tunnel.Service}", "tunnels", t.Tunnel.TunnelName, async () =>
            {
                await publisher.RemoveAsync(t.Tunnel.TunnelName, t.Tunnel.Hostnames, ct);
                var records = t.Changes.Count(c => c.Kind == TunnelChangeKind.DeleteRecord);
                return $"deleted with {records} DNS records";
            })));
            return null;
        });
    }
}
