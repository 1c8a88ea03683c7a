using System.Text.Json.Nodes;

namespace Nvoi.Cloud.Hetzner;

public sealed partial class HetznerCloudProvider
{
    public async Task<VolumeInfo?> FindVolumeAsync(string name, CancellationToken ct) =>
        (await _api.ListAsync($"volumes?name={Q(name)}", "volumes", ct).ConfigureAwait(false))
            .Where(v => S(v["name"]) == name).Select(ToVolume).FirstOrDefault();

    public async Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(CancellationToken ct) =>
        (await _api.ListAsync("volumes", "volumes", ct).ConfigureAwait(false)).Select(ToVolume).ToList();

    public async Task<VolumeInfo> CreateVolumeAsync(VolumeSpec spec, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["name"] = spec.Name, ["size"] = spec.SizeGb, ["location"] = spec.Location,
            ["labels"] = LabelsJson(spec.Labels), ["automount"] = false,
        };
        return await CreateOnceAsync("volume", spec.Name, () => FindVolumeAsync(spec.Name, ct), async () =>
        {
            var response = await _api.PostAsync("volumes", body, ct).ConfigureAwait(false);
            await _api.WaitForActionsAsync(response, ct).ConfigureAwait(false);
            return ToVolume(response["volume"]!.AsObject());
        }, ct).ConfigureAwait(false);
    }

    public async Task<VolumeInfo> AttachVolumeAsync(VolumeInfo volume, ServerInfo server, CancellationToken ct)
    {
        await EnsureAsync(
            async () =>
            {
                var current = await GetVolumeAsync(volume.Id, ct).ConfigureAwait(false);
                if (current.ServerId is { } other && other != server.Id)
                    throw new CloudApiException(Name, 422, "volume_already_attached", $"volume {volume.Name} is attached to another server ({other}); detach it first");
                return current.ServerId == server.Id;
            },
            () => _api.PostAsync($"volumes/{volume.Id}/actions/attach", new JsonObject { ["server"] = L(server.Id), ["automount"] = false }, ct),
            ct).ConfigureAwait(false);
        return await GetVolumeAsync(volume.Id, ct).ConfigureAwait(false);
    }

    public Task DetachVolumeAsync(VolumeInfo volume, CancellationToken ct) => EnsureAsync(
        async () => await _api.TryGetAsync($"volumes/{volume.Id}", ct).ConfigureAwait(false) is not { } v || v["volume"]?["server"] is null,
        () => _api.PostAsync($"volumes/{volume.Id}/actions/detach", new JsonObject(), ct), ct);

    public async Task DeleteVolumeAsync(VolumeInfo volume, CancellationToken ct)
    {
        if (await _api.TryGetAsync($"volumes/{volume.Id}", ct).ConfigureAwait(false) is null) return;
        await DetachVolumeAsync(volume, ct).ConfigureAwait(false);
        await _api.DeleteAsync($"volumes/{volume.Id}", ct).ConfigureAwait(false);
    }

    private async Task<VolumeInfo> GetVolumeAsync(string id, CancellationToken ct) =>
        ToVolume((await _api.GetAsync($"volumes/{id}", ct).ConfigureAwait(false))["volume"]!.AsObject());

    private static VolumeInfo ToVolume(JsonObject v)
    {
        var server = v["server"] is JsonValue s && s.TryGetValue<long>(out var id) ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        var device = v["linux_device"]?.GetValue<string>();
        return new VolumeInfo(HetznerApi.Id(v), S(v["name"]), v["size"]?.GetValue<int>() ?? 0, S(v["location"]?["name"]), server,
            string.IsNullOrEmpty(device) ? null : device);
    }
}
