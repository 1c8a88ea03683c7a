using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Scaleway;

// VPC v2 private networks, Block volumes and IPAM addresses.
public sealed partial class ScalewayEmulator
{
    private const string Networks = "/vpc/v2/regions/{region}/private-networks";
    private const string Volumes = "/block/v1alpha1/zones/{zone}/volumes";

    private void MapRegional(RouteGroupBuilder api)
    {
        api.MapGet(Networks, ListPrivateNetworks);
        api.MapPost(Networks, CreatePrivateNetwork);
        api.MapGet(Networks + "/{id}", (string region, string id) => WithNetwork(region, id, n => ScwErrors.Ok(PrivateNetworkJson(n))));
        api.MapDelete(Networks + "/{id}", (string region, string id) => WithNetwork(region, id, n =>
        {
            if (_state.PrivateNics.Values.Any(nic => nic.PrivateNetworkId == n.Id))
                return ScwErrors.PreconditionFailed("resource_still_in_use", "the Private Network still has attached resources");
            _state.PrivateNetworks.Remove(n.Id);
            return ScwErrors.NoContent();
        }));

        api.MapGet(Volumes, ListVolumes);
        api.MapPost(Volumes, CreateVolume);
        api.MapGet(Volumes + "/{id}", (string zone, string id) => WithVolume(zone, id, v => ScwErrors.Ok(VolumeJson(v))));
        api.MapDelete(Volumes + "/{id}", (string zone, string id) => WithVolume(zone, id, v =>
        {
            if (v.ServerId is not null) return ScwErrors.PreconditionFailed("resource_still_in_use", "the volume is attached to an Instance");
            _state.Volumes.Remove(v.Id);
            return ScwErrors.NoContent();
        }));

        api.MapGet("/ipam/v1/regions/{region}/ips", ListIps);
    }

    private IResult WithNetwork(string region, string id, Func<ScwPrivateNetwork, IResult> action)
    {
        if (CheckRegion(region) is { } bad) return bad;
        lock (_lock)
        {
            if (!_state.PrivateNetworks.TryGetValue(id, out var n) || n.Region != region) return ScwErrors.NotFound("private_network", id);
            return action(n);
        }
    }

    private IResult WithVolume(string zone, string id, Func<ScwVolume, IResult> action)
    {
        if (CheckZone(zone, false) is { } bad) return bad;
        lock (_lock)
        {
            if (!_state.Volumes.TryGetValue(id, out var v) || v.Zone != zone) return ScwErrors.NotFound("volume", id);
            return action(v);
        }
    }

    private IResult ListPrivateNetworks(string region, HttpRequest request)
    {
        if (CheckRegion(region) is { } bad) return bad;
        if (ScwPaging.Read(request, "page_size", false, out var page, out var size) is { } error) return error;
        var name = request.Query["name"].ToString();
        var project = request.Query["project_id"].ToString();
        lock (_lock)
        {
            var matches = _state.PrivateNetworks.Values
                .Where(n => n.Region == region)
                .Where(n => name.Length == 0 || n.Name.Contains(name, StringComparison.Ordinal))
                .Where(n => project.Length == 0 || n.ProjectId == project)
                .OrderBy(n => n.CreatedAt).ThenBy(n => n.Id, StringComparer.Ordinal)
                .ToList();
            var items = ScwPaging.Slice(matches, page, size).Select(n => (JsonNode)PrivateNetworkJson(n)).ToArray();
            return ScwErrors.Ok(new JsonObject { ["private_networks"] = new JsonArray(items), ["total_count"] = matches.Count });
        }
    }

    private async Task<IResult> CreatePrivateNetwork(string region, HttpRequest request)
    {
        if (CheckRegion(region) is { } bad) return bad;
        if (await ScwBody.ReadAsync(request) is not { } body) return InvalidBody(false);
        var name = body.Str("name");
        var project = body.Str("project_id");
        if (string.IsNullOrEmpty(name)) return ScwErrors.InvalidArguments("name", "required", "name is required");
        if (!ScwBody.IsUuid(project)) return ScwErrors.InvalidArguments("project_id", "format", "expected a UUID");
        var subnets = body.Strings("subnets");
        if (subnets.Count > 1) return ScwErrors.InvalidArguments("subnets", "constraint", "the emulator supports one IPv4 subnet");
        lock (_lock)
        {
            var subnet = subnets.Count == 1 ? subnets[0] : $"172.16.{(_state.PrivateNetworks.Count * 4) % 256}.0/22";
            if (!IsPrivateCidr(subnet)) return ScwErrors.InvalidArguments("subnets", "format", $"{subnet} is not a private IPv4 CIDR between /20 and /28");
            var now = Now;
            var network = new ScwPrivateNetwork
            {
                Id = NewId(),
                Name = name,
                Region = region,
                ProjectId = project!,
                VpcId = DefaultVpc(region, project!),
                SubnetId = NewId(),
                Subnet = subnet,
                Tags = body.Strings("tags"),
                CreatedAt = now,
                UpdatedAt = now,
            };
            _state.PrivateNetworks[network.Id] = network;
            return ScwErrors.Ok(PrivateNetworkJson(network));
        }
    }

    /// <summary>The project's default VPC of the region: a stable id derived from both.</summary>
    private static string DefaultVpc(string region, string project)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(region + "/" + project));
        return new Guid(bytes.AsSpan(0, 16)).ToString("D");
    }

    private static bool IsPrivateCidr(string cidr)
    {
        var parts = cidr.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return false;
        if (!int.TryParse(parts[1], out var prefix) || prefix is < 20 or > 28) return false;
        var b = ip.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168);
    }

    private IResult ListVolumes(string zone, HttpRequest request)
    {
        if (CheckZone(zone, false) is { } bad) return bad;
        if (ScwPaging.Read(request, "page_size", false, out var page, out var size) is { } error) return error;
        var name = request.Query["name"].ToString();
        var project = request.Query["project_id"].ToString();
        var resource = request.Query["product_resource_id"].ToString();
        lock (_lock)
        {
            var matches = _state.Volumes.Values
                .Where(v => v.Zone == zone)
                .Where(v => name.Length == 0 || v.Name.Contains(name, StringComparison.Ordinal))
                .Where(v => project.Length == 0 || v.ProjectId == project)
                .Where(v => resource.Length == 0 || v.ServerId == resource)
                .OrderBy(v => v.CreatedAt).ThenBy(v => v.Id, StringComparer.Ordinal)
                .ToList();
            var items = ScwPaging.Slice(matches, page, size).Select(v => (JsonNode)VolumeJson(v)).ToArray();
            return ScwErrors.Ok(new JsonObject { ["volumes"] = new JsonArray(items), ["total_count"] = matches.Count });
        }
    }

    private async Task<IResult> CreateVolume(string zone, HttpRequest request)
    {
        if (CheckZone(zone, false) is { } bad) return bad;
        if (await ScwBody.ReadAsync(request) is not { } body) return InvalidBody(false);
        var name = body.Str("name");
        var project = body.Str("project_id");
        if (string.IsNullOrEmpty(name)) return ScwErrors.InvalidArguments("name", "required", "name is required");
        if (!ScwBody.IsUuid(project)) return ScwErrors.InvalidArguments("project_id", "format", "expected a UUID");
        if (body["from_empty"] is not JsonObject empty)
            return ScwErrors.InvalidArguments("from_empty", "required", "from_empty or from_snapshot is required");
        if (empty["size"].Long() is not { } bytes) return ScwErrors.InvalidArguments("from_empty.size", "required", "size is required");
        if (bytes is < 1_000_000_000L or > 10_000_000_000_000L)
            return ScwErrors.InvalidArguments("from_empty.size", "constraint", "size must be between 1 GB and 10 TB");
        var iops = body["perf_iops"].Long() ?? 5000;
        if (iops is not (5000 or 15000)) return ScwErrors.InvalidArguments("perf_iops", "constraint", "perf_iops must be 5000 or 15000");
        var now = Now;
        var volume = new ScwVolume
        {
            Id = NewId(), Name = name, Zone = zone, ProjectId = project!, Size = bytes, PerfIops = iops,
            Status = "available", Tags = body.Strings("tags"), CreatedAt = now, UpdatedAt = now,
        };
        lock (_lock)
        {
            _state.Volumes[volume.Id] = volume;
            return ScwErrors.Ok(VolumeJson(volume));
        }
    }

    private IResult ListIps(string region, HttpRequest request)
    {
        if (CheckRegion(region) is { } bad) return bad;
        if (ScwPaging.Read(request, "page_size", false, out var page, out var size) is { } error) return error;
        var resourceId = request.Query["resource_id"].ToString();
        var resourceType = request.Query["resource_type"].ToString();
        var network = request.Query["private_network_id"].ToString();
        var project = request.Query["project_id"].ToString();
        lock (_lock)
        {
            var matches = _state.PrivateNics.Values
                .Where(n => _state.PrivateNetworks.TryGetValue(n.PrivateNetworkId, out var pn) && pn.Region == region)
                .Where(n => resourceId.Length == 0 || n.Id == resourceId)
                .Where(n => resourceType.Length == 0 || resourceType == "instance_private_nic")
                .Where(n => network.Length == 0 || n.PrivateNetworkId == network)
                .Where(n => project.Length == 0 || _state.Servers.GetValueOrDefault(n.ServerId)?.Project == project)
                .OrderBy(n => n.CreatedAt).ThenBy(n => n.Id, StringComparer.Ordinal)
                .ToList();
            var items = ScwPaging.Slice(matches, page, size).Select(n => (JsonNode)IpamJson(n)).ToArray();
            return ScwErrors.Ok(new JsonObject { ["ips"] = new JsonArray(items), ["total_count"] = matches.Count });
        }
    }
}
