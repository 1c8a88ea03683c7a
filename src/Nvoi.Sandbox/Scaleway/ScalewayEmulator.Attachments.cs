using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Nvoi.Sandbox.Scaleway;

// What hangs off an Instance: private NICs (with their IPAM address) and Block volumes.
public sealed partial class ScalewayEmulator
{
    private IResult ListPrivateNics(string zone, string id, HttpRequest request)
    {
        if (ScwPaging.Read(request, "per_page", true, out var page, out var size) is { } error) return error;
        return WithServer(zone, id, s =>
        {
            var nics = _state.PrivateNics.Values.Where(n => n.ServerId == s.Id).OrderBy(n => n.CreatedAt).ToList();
            var items = ScwPaging.Slice(nics, page, size).Select(n => (JsonNode)NicJson(n)).ToArray();
            return new ScwResult(200, new JsonObject { ["private_nics"] = new JsonArray(items), ["total_count"] = nics.Count }, nics.Count);
        });
    }

    private async Task<IResult> CreatePrivateNic(string zone, string id, HttpRequest request)
    {
        if (await ScwBody.ReadAsync(request) is not { } body) return InvalidBody(true);
        var networkId = body.Str("private_network_id");
        return WithServer(zone, id, s =>
        {
            if (string.IsNullOrEmpty(networkId)) return ScwErrors.InvalidRequest("private_network_id", "required key not provided");
            if (!_state.PrivateNetworks.TryGetValue(networkId, out var network) || !zone.StartsWith(network.Region + "-", StringComparison.Ordinal))
                return ScwErrors.UnknownResource("Private network", networkId);
            if (_state.PrivateNics.Values.Any(n => n.ServerId == s.Id && n.PrivateNetworkId == networkId))
                return ScwErrors.Conflict("Instance is already attached to this private network");
            if (++network.LastHost > 254) return ScwErrors.Conflict("no free address in the private network's subnet");
            var prefix = network.Subnet[..network.Subnet.LastIndexOf('.')];
            var nic = new ScwPrivateNic
            {
                Id = NewId(),
                ServerId = s.Id,
                PrivateNetworkId = networkId,
                Zone = zone,
                MacAddress = NextMac(),
                CreatedAt = Now,
                IpamId = NewId(),
                Address = $"{prefix}.{network.LastHost}/{network.Subnet.Split('/')[1]}",
            };
            _state.PrivateNics[nic.Id] = nic;
            return ScwErrors.Ok(new JsonObject { ["private_nic"] = NicJson(nic) }, 201);
        });
    }

    private async Task<IResult> AttachVolume(string zone, string id, HttpRequest request)
    {
        if (await ScwBody.ReadAsync(request) is not { } body) return InvalidBody(true);
        var volumeId = body.Str("volume_id");
        var volumeType = body.Str("volume_type") ?? "sbs_volume";
        return WithServer(zone, id, s =>
        {
            if (string.IsNullOrEmpty(volumeId)) return ScwErrors.InvalidRequest("volume_id", "required key not provided");
            if (volumeType != "sbs_volume") return ScwErrors.InvalidRequest("volume_type", "only sbs_volume can be attached");
            if (!_state.Volumes.TryGetValue(volumeId, out var v) || v.Zone != zone) return ScwErrors.UnknownResource("Volume", volumeId);
            if (v.ServerId is not null) return ScwErrors.InvalidRequestMessage($"volume {volumeId} is already attached to a server");
            var index = 1;
            while (s.SbsVolumes.ContainsKey(index.ToString(CultureInfo.InvariantCulture))) index++;
            if (index > 15) return ScwErrors.InvalidRequestMessage("too many volumes attached to this Instance");
            s.SbsVolumes[index.ToString(CultureInfo.InvariantCulture)] = v.Id;
            v.ServerId = s.Id;
            v.ReferenceId = NewId();
            v.Status = "in_use";
            v.AttachedAt = Now;
            v.UpdatedAt = Now;
            s.ModifiedAt = Now;
            return ScwErrors.Ok(new JsonObject { ["server"] = ServerJson(s) });
        });
    }

    private async Task<IResult> DetachVolume(string zone, string id, HttpRequest request)
    {
        if (await ScwBody.ReadAsync(request) is not { } body) return InvalidBody(true);
        var volumeId = body.Str("volume_id");
        return WithServer(zone, id, s =>
        {
            if (string.IsNullOrEmpty(volumeId)) return ScwErrors.InvalidRequest("volume_id", "required key not provided");
            var entry = s.SbsVolumes.FirstOrDefault(e => e.Value == volumeId);
            if (entry.Key is null) return ScwErrors.InvalidRequestMessage($"volume {volumeId} is not attached to this Instance");
            s.SbsVolumes.Remove(entry.Key);
            if (_state.Volumes.TryGetValue(volumeId, out var v)) Detach(v);
            s.ModifiedAt = Now;
            return ScwErrors.Ok(new JsonObject { ["server"] = ServerJson(s) });
        });
    }
}
