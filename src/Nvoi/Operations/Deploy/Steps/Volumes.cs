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

/// <summary>Each volume on the first server of its group: created, attached, never shrunk or resized.</summary>
internal static class VolumesStep
{
    public static IEnumerable<PlannedAction> Plan(DesiredState desired, LiveState live)
    {
        foreach (var volume in desired.Volumes)
        {
            if (!live.Volumes.TryGetValue(volume.Name, out var existing))
                yield return new(PlanActionKind.Create, "volume", volume.Name, $"not found ({volume.SizeGb} GB, mounted at {volume.MountPath})");
            else if (existing.ServerId is null || !live.Servers.TryGetValue(volume.ServerName, out var server) || server.Id != existing.ServerId)
                yield return new(PlanActionKind.Update, "volume", volume.Name, $"attach to {volume.ServerName}");
            else if (existing.SizeGb < volume.SizeGb)
                yield return new(PlanActionKind.None, "volume", volume.Name, $"exists with {existing.SizeGb} GB; the config asks {volume.SizeGb} GB (not resized)");
            else
                yield return new(PlanActionKind.None, "volume", volume.Name, "exists and attached");
        }
    }
}

/// <summary>Step "volumes": each volume found or created, attached and mounted.</summary>
public sealed partial class Deployer
{
    /// <summary>Each volume on the first server of its group, in parallel: find or create, attach, mount (formatted only when empty).</summary>
    private Task EnsureVolumesAsync(IReadOnlyDictionary<string, ServerInfo> servers, CancellationToken ct)
    {
        if (_desired.Volumes.Count == 0) return Task.CompletedTask;
        return _steps.RunAsync("volumes", null, $"Volumes ({_desired.Volumes.Count})", async () =>
        {
            await AllAsync(_desired.Volumes, v => EnsureVolumeAsync(v, servers[v.ServerName], ct));
            return null;
        });
    }

    private Task EnsureVolumeAsync(DesiredVolume volume, ServerInfo server, CancellationToken ct) =>
        _steps.RunAsync($"volume:{volume.Name}", "volumes", $"{volume.Name} → {volume.ServerName}:{volume.MountPath}", async () =>
        {
            var cloud = _world.Cloud;
            var found = await cloud.FindVolumeAsync(volume.Name, ct)
                ?? await cloud.CreateVolumeAsync(new VolumeSpec(volume.Name, volume.SizeGb, server.Location,
                    new Dictionary<string, string> { ["nvoi.io/app"] = _desired.Names.App }), ct);
            if (found.ServerId != server.Id || found.DevicePath is null)
            {
                if (found.ServerId is not null && found.ServerId != server.Id) await cloud.DetachVolumeAsync(found, ct);
                found = await cloud.AttachVolumeAsync(found, server, ct);
            }
            var mount = await ServerSetup.MountVolumeAsync(_world.Host(server), found.DevicePath!, volume.MountPath, ct);
            return mount.Formatted ? "formatted and mounted" : "mounted";
        });
}
