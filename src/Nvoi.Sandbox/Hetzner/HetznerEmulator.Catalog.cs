using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Hetzner;

public sealed partial class HetznerEmulator
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    private void MapCatalog(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/locations", Handle(ctx => Json(Page(ctx, "locations",
            HetznerCatalog.Locations.Select(l => (l.Name, NoLabels, HetznerCatalog.LocationJson(l)))))));
        routes.MapGet("/v1/locations/{id}", Handle(ctx =>
        {
            var l = HetznerCatalog.Locations.FirstOrDefault(x => x.Id == RouteId(ctx)) ?? throw NotFound("location", RouteId(ctx));
            return Json(new JsonObject { ["location"] = HetznerCatalog.LocationJson(l) });
        }));
        routes.MapGet("/v1/datacenters", Handle(ctx =>
        {
            var page = Page(ctx, "datacenters", HetznerCatalog.Locations.Select(l => (l.Datacenter, NoLabels, HetznerCatalog.DatacenterJson(l))));
            page["recommendation"] = HetznerCatalog.Locations[0].DatacenterId;
            return Json(page);
        }));
        routes.MapGet("/v1/datacenters/{id}", Handle(ctx =>
        {
            var l = HetznerCatalog.Locations.FirstOrDefault(x => x.DatacenterId == RouteId(ctx)) ?? throw NotFound("datacenter", RouteId(ctx));
            return Json(new JsonObject { ["datacenter"] = HetznerCatalog.DatacenterJson(l) });
        }));
        routes.MapGet("/v1/server_types", Handle(ctx => Json(Page(ctx, "server_types",
            HetznerCatalog.ServerTypes.Select(t => (t.Name, NoLabels, HetznerCatalog.ServerTypeJson(t)))))));
        routes.MapGet("/v1/server_types/{id}", Handle(ctx =>
        {
            var t = HetznerCatalog.ServerTypes.FirstOrDefault(x => x.Id == RouteId(ctx)) ?? throw NotFound("server_type", RouteId(ctx));
            return Json(new JsonObject { ["server_type"] = HetznerCatalog.ServerTypeJson(t) });
        }));
        routes.MapGet("/v1/images", Handle(ctx =>
        {
            var q = ctx.Request.Query;
            var images = HetznerCatalog.Images.AsEnumerable();
            if (q.TryGetValue("architecture", out var arch) && arch.Count > 0)
                images = images.Where(i => arch.Contains(i.Architecture));
            if (q.TryGetValue("type", out var type) && type.Count > 0 && !type.Contains("system"))
                images = [];
            return Json(Page(ctx, "images", images.Select(i => (i.Name, NoLabels, HetznerCatalog.ImageJson(i)))));
        }));
        routes.MapGet("/v1/images/{id}", Handle(ctx =>
        {
            var i = HetznerCatalog.Images.FirstOrDefault(x => x.Id == RouteId(ctx)) ?? throw NotFound("image", RouteId(ctx));
            return Json(new JsonObject { ["image"] = HetznerCatalog.ImageJson(i) });
        }));
    }

    private void MapActions(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/actions", Handle(ctx =>
        {
            var ids = ctx.Request.Query["id"].Select(v => long.TryParse(v, out var id) ? id : -1).ToHashSet();
            var status = ctx.Request.Query["status"].ToHashSet();
            lock (_gate)
            {
                var actions = _state.Actions.Where(a => ids.Count == 0 || ids.Contains(a.Id))
                    .Select(ActionJson).Where(j => status.Count == 0 || status.Contains(j["status"]!.GetValue<string>()));
                return Json(Page(ctx, "actions", actions.Select(j => ("", NoLabels, j))));
            }
        }));
        RequestDelegate one = Handle(ctx =>
        {
            lock (_gate)
            {
                var a = _state.Actions.FirstOrDefault(x => x.Id == RouteId(ctx, "action")) ?? throw NotFound("action", RouteId(ctx, "action"));
                return Json(new JsonObject { ["action"] = ActionJson(a) });
            }
        });
        routes.MapGet("/v1/actions/{action}", one);
        foreach (var kind in new[] { "servers", "volumes", "networks", "firewalls" })
            routes.MapGet($"/v1/{kind}/{{id}}/actions/{{action}}", one);
    }

    /// <summary>Records an action that finishes after <paramref name="duration"/> (emulator clock).</summary>
    private static ActionResource Res(long id, string type) => new(id, type);

    private ActionState NewAction(string command, TimeSpan duration, params ActionResource[] resources)
    {
        var now = Now;
        var action = new ActionState { Id = _state.NextActionId++, Command = command, Started = now, FinishAt = now + duration, Resources = [.. resources] };
        _state.Actions.Add(action);
        if (_state.Actions.Count > 2000) _state.Actions.RemoveRange(0, 1000);
        return action;
    }

    /// <summary>The action as first answered by the POST that started it: always still running.</summary>
    private static JsonObject StartedActionJson(ActionState a)
    {
        var json = Render(a, done: false);
        return json;
    }

    private JsonObject ActionJson(ActionState a) => Render(a, Now >= a.FinishAt);

    private static JsonObject Render(ActionState a, bool done) => new()
    {
        ["id"] = a.Id, ["command"] = a.Command, ["status"] = done ? "success" : "running", ["progress"] = done ? 100 : 0,
        ["started"] = Time(a.Started), ["finished"] = done ? Time(a.FinishAt) : null, ["error"] = null,
        ["resources"] = new JsonArray(a.Resources.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["type"] = r.Type }).ToArray()),
    };
}
