using System.Text.Json.Nodes;

namespace Nvoi.Cloud.Scaleway;

// Block API (sbs) volumes, attached through the Instance API.
public sealed partial class ScalewayProvider
{
    private const long BytesPerGb = 1_000_000_000L;

    /// <summary>
    /// Where an attached Block volume appears on the host: udev names it after the volume id, so the
    /// path is stable across reboots (Scaleway's API does not report a device path).
    /// </summary>
    public static string DevicePathOf(string volumeId) => $"/dev/disk/by-id/scsi-0SCW_sbs_volume-{volumeId}";

    public async Task<VolumeInfo?> FindVolumeAsync(string name, CancellationToken ct)
    {
        var volumes = await _api.ListAsync($"{Block}/volumes?name={ScwJson.Q(name)}&project_id={ScwJson.Q(_projectId)}", "volumes", "page_size", ct);
        return volumes.Where(v => v.S("name") == name).Select(ToVolume).FirstOrDefault();
    }

    public async Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(CancellationToken ct) =>
        (await _api.ListAsync($"{Block}/volumes?project_id={ScwJson.Q(_projectId)}", "volumes", "page_size", ct)).Select(ToVolume).ToList();

    public async Task<VolumeInfo> CreateVolumeAsync(VolumeSpec spec, CancellationToken ct)
    {
        if (spec.Location.Length > 0 && spec.Location != _zone)
            throw new CloudValidationException($"scaleway volume '{spec.Name}' is placed in {spec.Location}, but the provider is configured for zone {_zone}");
        if (spec.SizeGb < 1)
            throw new CloudValidationException($"scaleway volume '{spec.Name}' needs a size of at least 1 GB");
        return await FindOrCreateAsync(
            () => FindVolumeAsync(spec.Name, ct),
            async () => ToVolume((await _api.SendAsync(HttpMethod.Post, $"{Block}/volumes", new JsonObject
            {
                ["name"] = spec.Name,
                ["project_id"] = _projectId,
                ["perf_iops"] = 5000,
                ["from_empty"] = new JsonObject { ["size"] = spec.SizeGb * BytesPerGb },
                ["tags"] = new JsonArray(spec.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => (JsonNode)Tag(l)).ToArray()),
            }, ct))!),
            ct);
    }

    public async Task<VolumeInfo> AttachVolumeAsync(VolumeInfo volume, ServerInfo server, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + TimeSpan.FromMinutes(5);
        for (var attempt = 1; ; attempt++)
        {
            var json = await _api.GetAsync($"{Block}/volumes/{volume.Id}", ct)
                ?? throw new CloudApiException(Name, 404, "not_found", $"volume {volume.Name} ({volume.Id}) does not exist");
            var current = ToVolume(json);
            if (current.ServerId == server.Id) return current;
            if (current.ServerId is not null)
                throw new NvoiException($"scaleway: volume {volume.Name} is attached to another server ({current.ServerId})");
            if (json.S("status") != "available")
            {
                // still creating (or detaching): wait for it
                if (_time.GetUtcNow() >= deadline)
                    throw new NvoiException($"scaleway: volume {volume.Name} is still '{json.S("status")}' after 5 minutes");
                await DelayAsync(ct);
                continue;
            }
            try
            {
                await _api.SendAsync(HttpMethod.Post, $"{Instance}/servers/{server.Id}/attach-volume",
                    new JsonObject { ["volume_id"] = volume.Id, ["volume_type"] = "sbs_volume" }, ct);
            }
            catch (Exception e) when (IsAmbiguous(e) && attempt < CreateAttempts)
            {
                continue; // maybe attached: look again
            }
            return await GetVolumeAsync(volume.Id, ct);
        }
    }

    public async Task DetachVolumeAsync(VolumeInfo volume, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var json = await _api.GetAsync($"{Block}/volumes/{volume.Id}", ct);
            if (json is null || ToVolume(json).ServerId is not { } serverId) return;
            try
            {
                await _api.SendAsync(HttpMethod.Post, $"{Instance}/servers/{serverId}/detach-volume", new JsonObject { ["volume_id"] = volume.Id }, ct);
                return;
            }
            catch (Exception e) when (IsAmbiguous(e) && attempt < CreateAttempts)
            {
                // maybe detached: look again
            }
        }
    }

    public Task DeleteVolumeAsync(VolumeInfo volume, CancellationToken ct) => _api.DeleteAsync($"{Block}/volumes/{volume.Id}", ct);

    private async Task<VolumeInfo> GetVolumeAsync(string id, CancellationToken ct) =>
        ToVolume(await _api.GetAsync($"{Block}/volumes/{id}", ct)
            ?? throw new CloudApiException(Name, 404, "not_found", $"volume {id} does not exist"));

    private static VolumeInfo ToVolume(JsonObject v)
    {
        var id = v.S("id")!;
        var serverId = (v["references"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(r => r.S("product_resource_type") == "instance_server" && r.S("status") is null or "attached" or "attaching")
            .Select(r => r.S("product_resource_id"))
            .FirstOrDefault();
        return new VolumeInfo(id, v.S("name")!, (int)(v.L("size") / BytesPerGb), v.S("zone") ?? "", serverId, serverId is null ? null : DevicePathOf(id));
    }
}
