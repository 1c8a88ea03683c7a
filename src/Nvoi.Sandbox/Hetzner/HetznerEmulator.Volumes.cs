using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Hetzner;

public sealed partial class HetznerEmulator
{
    private void MapVolumes(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/volumes", Handle(ctx =>
        {
            lock (_gate) return Json(Page(ctx, "volumes", _state.Volumes.Select(v => (v.Name, (IReadOnlyDictionary<string, string>)v.Labels, VolumeJson(v)))));
        }));
        routes.MapGet("/v1/volumes/{id}", Handle(ctx =>
        {
            lock (_gate) return Json(new JsonObject { ["volume"] = VolumeJson(Volume(RouteId(ctx))) });
        }));
        routes.MapPost("/v1/volumes", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            var name = RequireName(body);
            var size = body["size"] is JsonValue sv && sv.TryGetValue<int>(out var sz) ? sz : throw InvalidInput("size", "Missing data for required field.");
            if (size is < 10 or > 10240) throw InvalidInput("size", "size must be between 10 and 10240 GB");
            var format = OptString(body, "format");
            if (format is not (null or "xfs" or "ext4")) throw InvalidInput("format", "format must be xfs or ext4");
            var labels = Labels(body);
            lock (_gate)
            {
                var serverId = OptLong(body["server"], "server");
                var server = serverId is null ? null : _state.Servers.FirstOrDefault(s => s.Id == serverId) ?? throw InvalidInput("server", $"server with ID '{serverId}' not found");
                var location = server is not null ? HetznerCatalog.FindLocation(server.Location)
                    : body["location"] is null ? throw InvalidInput("location", "either location or server is required")
                    : HetznerCatalog.FindLocation(OptString(body, "location")) ?? throw InvalidInput("location", $"location '{OptString(body, "location")}' not found");
                if (_state.Volumes.Any(v => v.Name == name))
                    throw new ApiError(409, "uniqueness_error", "volume name is already used");
                var volume = new VolumeState { Id = _state.NextId++, Name = name, Size = size, Location = location!.Name, Format = format, Created = Now, Labels = labels, Server = server?.Id };
                _state.Volumes.Add(volume);
                var next = new JsonArray();
                if (server is not null)
                    next.Add(StartedActionJson(NewAction("attach_volume", TimeSpan.Zero, Res(volume.Id, "volume"), Res(server.Id, "server"))));
                return Json(new JsonObject
                {
                    ["volume"] = VolumeJson(volume),
                    ["action"] = StartedActionJson(NewAction("create_volume", TimeSpan.Zero, Res(volume.Id, "volume"))),
                    ["next_actions"] = next,
                }, 201);
            }
        }));
        routes.MapPut("/v1/volumes/{id}", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var v = Volume(RouteId(ctx));
                if (body.ContainsKey("name")) v.Name = RequireName(body);
                if (body.ContainsKey("labels")) v.Labels = Labels(body);
                return Json(new JsonObject { ["volume"] = VolumeJson(v) });
            }
        }));
        routes.MapDelete("/v1/volumes/{id}", Handle(ctx =>
        {
            lock (_gate)
            {
                var v = Volume(RouteId(ctx));
                if (v.Server is not null) throw new ApiError(423, "locked", "volume is attached to a server, detach it first");
                _state.Volumes.Remove(v);
                return Results.NoContent();
            }
        }));
        routes.MapPost("/v1/volumes/{id}/actions/attach", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var v = Volume(RouteId(ctx));
                var serverId = OptLong(body["server"], "server") ?? throw InvalidInput("server", "Missing data for required field.");
                var s = _state.Servers.FirstOrDefault(x => x.Id == serverId) ?? throw InvalidInput("server", $"server with ID '{serverId}' not found");
                if (v.Server is not null) throw new ApiError(422, "volume_already_attached", "volume is already attached to a server, detach first");
                EnsureUnlocked(s);
                if (s.Location != v.Location) throw InvalidInput("server", $"server is in {s.Location} but the volume is in {v.Location}");
                v.Server = s.Id;
                return Json(new JsonObject { ["action"] = StartedActionJson(NewAction("attach_volume", TimeSpan.Zero, Res(v.Id, "volume"), Res(s.Id, "server"))) }, 201);
            }
        }));
        routes.MapPost("/v1/volumes/{id}/actions/detach", Handle(ctx =>
        {
            lock (_gate)
            {
                var v = Volume(RouteId(ctx));
                if (v.Server is not { } serverId) throw new ApiError(422, "invalid_input", "volume is not attached to a server");
                EnsureUnlocked(Server(serverId));
                v.Server = null;
                return Json(new JsonObject { ["action"] = StartedActionJson(NewAction("detach_volume", TimeSpan.Zero, Res(v.Id, "volume"), Res(serverId, "server"))) }, 201);
            }
        }));
        routes.MapPost("/v1/volumes/{id}/actions/resize", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var v = Volume(RouteId(ctx));
                var size = body["size"] is JsonValue sv && sv.TryGetValue<int>(out var sz) ? sz : throw InvalidInput("size", "Missing data for required field.");
                if (size < v.Size || size > 10240) throw InvalidInput("size", "volumes can only grow, up to 10240 GB");
                v.Size = size;
                return Json(new JsonObject { ["action"] = StartedActionJson(NewAction("resize_volume", TimeSpan.Zero, Res(v.Id, "volume"))) }, 201);
            }
        }));
    }

    private VolumeState Volume(long id) => _state.Volumes.FirstOrDefault(v => v.Id == id) ?? throw NotFound("volume", id);

    private static JsonObject VolumeJson(VolumeState v) => new()
    {
        ["id"] = v.Id, ["name"] = v.Name, ["server"] = v.Server, ["status"] = "available",
        ["location"] = HetznerCatalog.LocationJson(HetznerCatalog.FindLocation(v.Location)!),
        ["size"] = v.Size, ["format"] = v.Format, ["protection"] = new JsonObject { ["delete"] = false },
        ["labels"] = LabelsJson(v.Labels), ["linux_device"] = $"/dev/disk/by-id/scsi-0HC_Volume_{v.Id}",
        ["created"] = Time(v.Created),
    };
}
