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

/// <summary>A volume that does not exist: created, attached to the first server of its group, formatted and mounted.</summary>
public sealed record CreateVolume(DesiredVolume Volume) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() =>
        [new(PlanActionKind.Create, "volume", Volume.Name, $"not found ({Volume.SizeGb} GB, mounted at {Volume.MountPath})")];
}

/// <summary>A volume detached, or attached elsewhere: attached to its server (detached first), then mounted.</summary>
public sealed record AttachVolume(DesiredVolume Volume) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.Update, "volume", Volume.Name, $"attach to {Volume.ServerName}")];
}

/// <summary>A volume attached where it belongs: only mounted (on the host, no API request).</summary>
public sealed record KeepVolume(DesiredVolume Volume, VolumeInfo Live, string Reason) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.None, "volume", Volume.Name, Reason)];
}

/// <summary>Each volume on the first server of its group: created, attached, never shrunk or resized.</summary>
internal static class VolumesStep
{
    public static IEnumerable<PlannedChange> Plan(DesiredState desired, LiveState live)
    {
        foreach (var volume in desired.Volumes)
        {
            if (!live.Volumes.TryGetValue(volume.Name, out var existing))
                yield return new CreateVolume(volume);
            else if (existing.ServerId is null || existing.DevicePath is null || !live.Servers.TryGetValue(volume.ServerName, out var server) || server.Id != existing.ServerId)
                yield return new AttachVolume(volume);
            else if (existing.SizeGb < volume.SizeGb)
                yield return new KeepVolume(volume, existing, $"exists with {existing.SizeGb} GB; the config asks {volume.SizeGb} GB (not resized)");
            else
                yield return new KeepVolume(volume, existing, "exists and attached");
        }
    }
}

/// <summary>Step "volumes": each volume created or attached as planned, and mounted.</summary>
public sealed partial class Deployer
{
    /// <summary>Each volume on the first server of its group, in parallel: the plan's change, then the mount (formatted only when empty).</summary>
    private Task EnsureVolumesAsync(Plan plan, IReadOnlyDictionary<string, ServerInfo> servers, CancellationToken ct)
    {
        if (_desired.Volumes.Count == 0) return Task.CompletedTask;
        var changes = plan.Changes.Where(c => c is CreateVolume or AttachVolume or KeepVolume).ToList();
        return _steps.RunAsync("volumes", null, $"Volumes ({_desired.Volumes.Count})", async () =>
        {
            await AllAsync(changes, c => EnsureVolumeAsync(c, servers, ct));
            return null;
        });
    }

    private Task EnsureVolumeAsync(PlannedChange change, IReadOnlyDictionary<string, ServerInfo> servers, CancellationToken ct)
    {
        var volume = change switch { CreateVolume c => c.Volume, AttachVolume a => a.Volume, KeepVolume k => k.Volume, _ => throw new ArgumentException(null, nameof(change)) };
        var server = servers[volume.ServerName];
        return _steps.RunAsync($"volume:{volume.Name}", "volumes", $"{volume.Name} → {volume.ServerName}:{volume.MountPath}", async () =>
        {
            var cloud = _world.Cloud;
            var found = change is KeepVolume keep ? keep.Live : await FindOrCreateVolumeAsync(change is CreateVolume, volume, server, ct);
            if (change is not KeepVolume && (found.ServerId != server.Id || found.DevicePath is null))
            {
                if (found.ServerId is not null && found.ServerId != server.Id) await cloud.DetachVolumeAsync(found, ct);
                found = await cloud.AttachVolumeAsync(found, server, ct);
            }
            var mount = await ServerSetup.MountVolumeAsync(_world.Host(server), found.DevicePath!, volume.MountPath, ct);
            return mount.Formatted ? "formatted and mounted" : "mounted";
        });
    }

    /// <summary>Found again first (a run killed after the create finds it); created only when the plan creates it.</summary>
    private async Task<VolumeInfo> FindOrCreateVolumeAsync(bool create, DesiredVolume volume, ServerInfo server, CancellationToken ct) =>
        await _world.Cloud.FindVolumeAsync(volume.Name, ct)
        ?? (create
            ? await _world.Cloud.CreateVolumeAsync(new VolumeSpec(volume.Name, volume.SizeGb, server.Location,
                new Dictionary<string, string> { ["nvoi.io/app"] = _desired.Names.App }), ct)
            : throw new NvoiException($"volume {volume.Name} is gone since the plan; run the deploy again"));
}
