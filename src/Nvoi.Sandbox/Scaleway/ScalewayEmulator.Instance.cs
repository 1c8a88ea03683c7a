using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Scaleway;

// Instance API: /instance/v1/zones/{zone}/...
public sealed partial class ScalewayEmulator
{
    private const string Zoned = "/instance/v1/zones/{zone}";

    private void MapInstance(RouteGroupBuilder api)
    {
        api.MapGet(Zoned + "/products/servers", ListServerTypes);
        api.MapGet(Zoned + "/images", ListImages);
        api.MapGet(Zoned + "/servers", ListServers);
        api.MapPost(Zoned + "/servers", CreateServer);
        api.MapGet(Zoned + "/servers/{id}", (string zone, string id) => WithServer(zone, id, s => ScwErrors.Ok(new JsonObject { ["server"] = ServerJson(s) })));
        api.MapDelete(Zoned + "/servers/{id}", DeleteServer);
        api.MapPost(Zoned + "/servers/{id}/action", ServerAction);
        api.MapGet(Zoned + "/servers/{id}/user_data", (string zone, string id) =>
            WithServer(zone, id, s => ScwErrors.Ok(new JsonObject { ["user_data"] = s.UserData.Keys.Order().ToJsonArray() })));
        api.MapGet(Zoned + "/servers/{id}/user_data/{key}", (string zone, string id, string key) => WithServer(zone, id, s =>
            s.UserData.TryGetValue(key, out var content) ? new ScwText(content) : ScwErrors.UnknownResource("User data", key)));
        api.MapPatch(Zoned + "/servers/{id}/user_data/{key}", SetUserData);
        api.MapDelete(Zoned + "/servers/{id}/user_data/{key}", (string zone, string id, string key) =>
            WithServer(zone, id, s => s.UserData.Remove(key) ? ScwErrors.NoContent() : ScwErrors.UnknownResource("User data", key)));
        api.MapGet(Zoned + "/servers/{id}/private_nics", ListPrivateNics);
        api.MapPost(Zoned + "/servers/{id}/private_nics", CreatePrivateNic);
        api.MapGet(Zoned + "/servers/{id}/private_nics/{nic}", (string zone, string id, string nic) => WithServer(zone, id, s =>
            _state.PrivateNics.TryGetValue(nic, out var n) && n.ServerId == s.Id
                ? ScwErrors.Ok(new JsonObject { ["private_nic"] = NicJson(n) })
                : ScwErrors.UnknownResource("Private NIC", nic)));
        api.MapDelete(Zoned + "/servers/{id}/private_nics/{nic}", (string zone, string id, string nic) => WithServer(zone, id, s =>
        {
            if (!_state.PrivateNics.TryGetValue(nic, out var n) || n.ServerId != s.Id) return ScwErrors.UnknownResource("Private NIC", nic);
            _state.PrivateNics.Remove(nic);
            return ScwErrors.NoContent();
        }));
        api.MapPost(Zoned + "/servers/{id}/attach-volume", AttachVolume);
        api.MapPost(Zoned + "/servers/{id}/detach-volume", DetachVolume);
        MapSecurityGroups(api);
    }

    private IResult WithServer(string zone, string id, Func<ScwServer, IResult> action)
    {
        if (CheckZone(zone, true) is { } bad) return bad;
        lock (_lock)
        {
            if (!_state.Servers.TryGetValue(id, out var server) || server.Zone != zone) return ScwErrors.UnknownResource("Instance", id);
            Refresh(server);
            return action(server);
        }
    }

    private IResult ListServerTypes(string zone, HttpRequest request)
    {
        if (CheckZone(zone, true) is { } bad) return bad;
        if (ScwPaging.Read(request, "per_page", true, out var page, out var size) is { } error) return error;
        var all = ScalewayCatalog.ServerTypes;
        var servers = new JsonObject();
        foreach (var t in ScwPaging.Slice(all, page, size))
        {
            servers[t.Name] = new JsonObject
            {
                ["alt_names"] = new JsonArray(),
                ["arch"] = t.Arch,
                ["ncpus"] = t.Cpus,
                ["ram"] = t.RamBytes,
                ["gpu"] = 0,
                ["hourly_price"] = t.HourlyPrice,
                ["monthly_price"] = Math.Round(t.HourlyPrice * 730, 2),
                ["volumes_constraint"] = new JsonObject { ["min_size"] = 0, ["max_size"] = 0 },
                ["per_volume_constraint"] = new JsonObject
                {
                    ["l_ssd"] = new JsonObject { ["min_size"] = 1_000_000_000L, ["max_size"] = 800_000_000_000L },
                },
                ["baremetal"] = false,
                ["scratch_storage_max_size"] = null,
                ["block_bandwidth"] = 262_144_000,
                ["end_of_service"] = false,
            };
        }
        return new ScwResult(200, new JsonObject { ["servers"] = servers, ["total_count"] = all.Length }, all.Length);
    }

    private IResult ListImages(string zone, HttpRequest request)
    {
        if (CheckZone(zone, true) is { } bad) return bad;
        if (ScwPaging.Read(request, "per_page", true, out var page, out var size) is { } error) return error;
        var name = request.Query["name"].ToString();
        var arch = request.Query["arch"].ToString();
        var matches = ScalewayCatalog.Images
            .Where(i => name.Length == 0 || i.Name.Contains(name, StringComparison.OrdinalIgnoreCase) || i.Label == name)
            .Where(i => arch.Length == 0 || i.Arch == arch)
            .ToList();
        var images = ScwPaging.Slice(matches, page, size).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = i.Id,
            ["name"] = i.Name,
            ["arch"] = i.Arch,
            ["public"] = true,
            ["state"] = "available",
            ["zone"] = zone,
            ["extra_volumes"] = new JsonObject(),
            ["tags"] = new JsonArray(),
            ["root_volume"] = new JsonObject { ["id"] = i.Id, ["name"] = i.Name, ["size"] = 10_000_000_000L, ["volume_type"] = "unified" },
        }).ToArray();
        return new ScwResult(200, new JsonObject { ["images"] = new JsonArray(images), ["total_count"] = matches.Count }, matches.Count);
    }

    private IResult ListServers(string zone, HttpRequest request)
    {
        if (CheckZone(zone, true) is { } bad) return bad;
        if (ScwPaging.Read(request, "per_page", true, out var page, out var size) is { } error) return error;
        var name = request.Query["name"].ToString();
        var project = request.Query["project"].ToString();
        var network = request.Query["private_network"].ToString();
        var tags = request.Query["tags"].ToString();
        lock (_lock)
        {
            var matches = _state.Servers.Values
                .Where(s => s.Zone == zone)
                .Where(s => name.Length == 0 || s.Name.Contains(name, StringComparison.Ordinal))
                .Where(s => project.Length == 0 || s.Project == project)
                .Where(s => network.Length == 0 || _state.PrivateNics.Values.Any(n => n.ServerId == s.Id && n.PrivateNetworkId == network))
                .Where(s => tags.Length == 0 || tags.Split(',').All(s.Tags.Contains))
                .OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)
                .ToList();
            var servers = ScwPaging.Slice(matches, page, size).Select(s => (JsonNode)ServerJson(s)).ToArray();
            return new ScwResult(200, new JsonObject { ["servers"] = new JsonArray(servers), ["total_count"] = matches.Count }, matches.Count);
        }
    }

    private async Task<IResult> CreateServer(string zone, HttpRequest request)
    {
        if (CheckZone(zone, true) is { } bad) return bad;
        if (await ScwBody.ReadAsync(request) is not { } body) return InvalidBody(true);
        var name = body.Str("name");
        var type = body.Str("commercial_type");
        var imageRef = body.Str("image");
        var project = body.Str("project") ?? body.Str("organization");
        if (string.IsNullOrEmpty(name)) return ScwErrors.InvalidRequest("name", "required key not provided");
        if (string.IsNullOrEmpty(type)) return ScwErrors.InvalidRequest("commercial_type", "required key not provided");
        if (ScalewayCatalog.FindType(type) is not { } serverType)
            return ScwErrors.InvalidRequest("commercial_type", $"\"{type}\" is not a valid commercial type");
        if (string.IsNullOrEmpty(imageRef)) return ScwErrors.InvalidRequest("image", "required key not provided");
        if (ScalewayCatalog.ResolveImage(imageRef, serverType.Arch) is not { } image)
            return ScwErrors.InvalidRequest("image", $"image \"{imageRef}\" not found for arch {serverType.Arch}");
        if (!ScwBody.IsUuid(project)) return ScwErrors.InvalidRequest("project", "expected a UUID");
        var securityGroup = body.Str("security_group");
        lock (_lock)
        {
            if (securityGroup is not null && (!_state.SecurityGroups.TryGetValue(securityGroup, out var g) || g.Zone != zone))
                return ScwErrors.UnknownResource("Security group", securityGroup);
            var now = Now;
            var server = new ScwServer
            {
                Id = NewId(),
                Name = name,
                Zone = zone,
                Project = project!,
                CommercialType = type,
                Arch = serverType.Arch,
                ImageId = image.Id,
                ImageName = image.Name,
                State = "stopped",
                PublicIpId = NewId(),
                PublicIp = NextPublicIp(),
                MacAddress = NextMac(),
                SecurityGroupId = securityGroup,
                Tags = body.Strings("tags"),
                CreatedAt = now,
                ModifiedAt = now,
                RootVolumeId = NewId(),
            };
            if (serverType.Volume == "sbs_volume")
            {
                // Block-backed types boot from a Block volume that outlives the server unless deleted.
                _state.Volumes[server.RootVolumeId] = new ScwVolume
                {
                    Id = server.RootVolumeId, Name = $"{image.Name} {now:yyyy-MM-dd'T'HH:mm}", Zone = zone, ProjectId = server.Project,
                    Size = 10_000_000_000L, Status = "in_use", ServerId = server.Id, ReferenceId = NewId(), AttachedAt = now,
                    CreatedAt = now, UpdatedAt = now,
                };
            }
            _state.Servers[server.Id] = server;
            return ScwErrors.Ok(new JsonObject { ["server"] = ServerJson(server) }, 201);
        }
    }

    private IResult DeleteServer(string zone, string id) => WithServer(zone, id, s =>
    {
        if (s.State != "stopped") return ScwErrors.InvalidRequestMessage("instance should be powered off.");
        RemoveServer(s);
        return ScwErrors.NoContent();
    });

    /// <summary>Deletes the server with its local root volume and NICs; Block volumes (a Block root too) are detached, not deleted.</summary>
    private void RemoveServer(ScwServer s)
    {
        foreach (var nic in _state.PrivateNics.Values.Where(n => n.ServerId == s.Id).ToList()) _state.PrivateNics.Remove(nic.Id);
        foreach (var volumeId in s.SbsVolumes.Values.Append(s.RootVolumeId))
            if (_state.Volumes.TryGetValue(volumeId, out var v)) Detach(v);
        _state.Servers.Remove(s.Id);
    }

    private void Detach(ScwVolume v)
    {
        v.ServerId = null;
        v.ReferenceId = null;
        v.Status = "available";
        v.LastDetachedAt = Now;
        v.UpdatedAt = Now;
    }

    private async Task<IResult> ServerAction(string zone, string id, HttpRequest request)
    {
        if (await ScwBody.ReadAsync(request) is not { } body) return InvalidBody(true);
        var action = body.Str("action") ?? "poweron";
        return WithServer(zone, id, s =>
        {
            if (action is not ("poweron" or "poweroff" or "terminate" or "reboot" or "stop_in_place" or "backup"))
                return ScwErrors.InvalidRequest("action", $"\"{action}\" is not a valid action");
            if (!AllowedActions(s.State).Contains(action))
                return ScwErrors.InvalidRequestMessage($"Action \"{action}\" is not allowed in state \"{s.State}\"");
            var now = Now;
            switch (action)
            {
                case "poweron":
                case "reboot":
                    s.State = "starting";
                    s.StartingSince = now;
                    Refresh(s);
                    break;
                case "poweroff":
                case "stop_in_place":
                    s.State = "stopped";
                    s.StartingSince = null;
                    break;
                case "terminate":
                    RemoveServer(s);
                    break;
            }
            s.ModifiedAt = now;
            return ScwErrors.Ok(new JsonObject
            {
                ["task"] = new JsonObject
                {
                    ["id"] = NewId(),
                    ["description"] = $"server_{action}",
                    ["status"] = action == "terminate" ? "success" : "pending",
                    ["href_from"] = $"/servers/{s.Id}/action",
                    ["href_result"] = $"/servers/{s.Id}",
                    ["started_at"] = ScwBody.Iso(now),
                    ["terminated_at"] = null,
                    ["progress"] = 0,
                    ["zone"] = zone,
                },
            }, 202);
        });
    }

    private async Task<IResult> SetUserData(string zone, string id, string key, HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var content = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        return WithServer(zone, id, s =>
        {
            if (content.Length > 1024 * 1024) return ScwErrors.InvalidRequest("content", "user data is larger than 1 MB");
            s.UserData[key] = content;
            s.ModifiedAt = Now;
            return ScwErrors.NoContent();
        });
    }
}
