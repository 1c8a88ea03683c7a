using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Hetzner;

public sealed partial class HetznerEmulator
{
    private void MapServers(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/servers", Handle(ctx =>
        {
            lock (_gate)
            {
                var statuses = ctx.Request.Query["status"].ToHashSet();
                var servers = _state.Servers.Select(s => (s.Name, (IReadOnlyDictionary<string, string>)s.Labels, ServerJson(s)))
                    .Where(s => statuses.Count == 0 || statuses.Contains(s.Item3["status"]!.GetValue<string>()));
                return Json(Page(ctx, "servers", servers));
            }
        }));
        routes.MapGet("/v1/servers/{id}", Handle(ctx =>
        {
            lock (_gate) return Json(new JsonObject { ["server"] = ServerJson(Server(RouteId(ctx))) });
        }));
        routes.MapPost("/v1/servers", Handle(async ctx => CreateServer(await ReadBody(ctx))));
        routes.MapPut("/v1/servers/{id}", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var s = Server(RouteId(ctx));
                if (body.ContainsKey("name")) s.Name = RequireName(body);
                if (body.ContainsKey("labels")) s.Labels = Labels(body);
                return Json(new JsonObject { ["server"] = ServerJson(s) });
            }
        }));
        routes.MapDelete("/v1/servers/{id}", Handle(ctx =>
        {
            lock (_gate)
            {
                var s = Server(RouteId(ctx));
                foreach (var f in _state.Firewalls) f.AppliedToServers.Remove(s.Id);
                foreach (var v in _state.Volumes.Where(v => v.Server == s.Id)) v.Server = null;
                _state.Servers.Remove(s);
                return Json(new JsonObject { ["action"] = StartedActionJson(NewAction("delete_server", TimeSpan.Zero, Res(s.Id, "server"))) });
            }
        }));
        routes.MapPost("/v1/servers/{id}/actions/attach_to_network", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var s = Server(RouteId(ctx));
                EnsureUnlocked(s);
                var networkId = OptLong(body["network"], "network") ?? throw InvalidInput("network", "Missing data for required field.");
                var n = _state.Networks.FirstOrDefault(x => x.Id == networkId) ?? throw InvalidInput("network", $"network with ID '{networkId}' not found");
                if (s.PrivateNets.Any(p => p.Network == n.Id)) throw new ApiError(422, "server_already_attached", "server is already attached to the network");
                Attach(s, n, OptString(body, "ip"));
                return Json(new JsonObject { ["action"] = StartedActionJson(NewAction("attach_to_network", TimeSpan.Zero, Res(s.Id, "server"), Res(n.Id, "network"))) }, 201);
            }
        }));
        routes.MapPost("/v1/servers/{id}/actions/detach_from_network", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var s = Server(RouteId(ctx));
                EnsureUnlocked(s);
                var networkId = OptLong(body["network"], "network") ?? throw InvalidInput("network", "Missing data for required field.");
                if (s.PrivateNets.RemoveAll(p => p.Network == networkId) == 0)
                    throw new ApiError(422, "server_not_attached_to_network", "server is not attached to the network");
                return Json(new JsonObject { ["action"] = StartedActionJson(NewAction("detach_from_network", TimeSpan.Zero, Res(s.Id, "server"), Res(networkId, "network"))) }, 201);
            }
        }));
        foreach (var (path, off) in new[] { ("poweron", false), ("poweroff", true), ("shutdown", true), ("reboot", false), ("reset", false) })
            routes.MapPost($"/v1/servers/{{id}}/actions/{path}", Handle(ctx =>
            {
                lock (_gate)
                {
                    var s = Server(RouteId(ctx));
                    EnsureUnlocked(s);
                    s.PoweredOff = off;
                    return Json(new JsonObject { ["action"] = StartedActionJson(NewAction(path == "poweron" ? "start_server" : path == "poweroff" ? "stop_server" : path + "_server", TimeSpan.Zero, Res(s.Id, "server"))) }, 201);
                }
            }));
    }

    private IResult CreateServer(JsonObject body)
    {
        var name = RequireName(body);
        var type = HetznerCatalog.FindServerType(OptString(body, "server_type") ?? throw InvalidInput("server_type", "Missing data for required field."))
            ?? throw InvalidInput("server_type", $"server type '{OptString(body, "server_type")}' not found");
        var imageRef = OptString(body, "image") ?? throw InvalidInput("image", "Missing data for required field.");
        var image = HetznerCatalog.Images.FirstOrDefault(i => (i.Name == imageRef || i.Id.ToString() == imageRef) && i.Architecture == type.Architecture)
            ?? throw InvalidInput("image", $"image '{imageRef}' not found for architecture {type.Architecture}");
        var location = body["datacenter"] is not null
            ? HetznerCatalog.FindDatacenter(OptString(body, "datacenter")) ?? throw InvalidInput("datacenter", $"datacenter '{OptString(body, "datacenter")}' not found")
            : body["location"] is not null
                ? HetznerCatalog.FindLocation(OptString(body, "location")) ?? throw InvalidInput("location", $"location '{OptString(body, "location")}' not found")
                : HetznerCatalog.Locations[0];
        if (!type.MonthlyNet.ContainsKey(location.Name))
            throw InvalidInput("server_type", $"server type {type.Name} is not available in location {location.Name}");
        var userData = OptString(body, "user_data") ?? "";
        if (userData.Length > 32 * 1024) throw InvalidInput("user_data", "user_data must be at most 32 KiB");
        var labels = Labels(body);
        lock (_gate)
        {
            var networks = (body["networks"] as JsonArray ?? []).Select(n => OptLong(n, "networks")!.Value)
                .Select(id => _state.Networks.FirstOrDefault(n => n.Id == id) ?? throw InvalidInput("networks", $"network with ID '{id}' not found")).ToList();
            var firewalls = (body["firewalls"] as JsonArray ?? []).Select(f => OptLong(f?["firewall"], "firewalls.firewall") ?? throw InvalidInput("firewalls", "firewall ID missing"))
                .Select(id => _state.Firewalls.FirstOrDefault(f => f.Id == id) ?? throw InvalidInput("firewalls", $"firewall with ID '{id}' not found")).ToList();
            if (_state.Servers.Any(s => s.Name == name))
                throw new ApiError(409, "uniqueness_error", "server name is already used");
            var now = Now;
            var host = _state.NextPublicHost++;
            var server = new ServerState
            {
                Id = _state.NextId++, Name = name, ServerType = type.Name, Location = location.Name, Image = image.Name,
                UserData = userData, Created = now, RunningAt = now + _options.ServerBootTime, Labels = labels,
                PublicIPv4 = $"{(host % 2 == 0 ? "49.12" : "116.203")}.{host / 2 / 250 % 250}.{host / 2 % 250 + 2}",
                PublicIPv4Id = _state.NextId++,
            };
            foreach (var n in networks) Attach(server, n, null);
            _state.Servers.Add(server);
            foreach (var f in firewalls) f.AppliedToServers.Add(server.Id);
            var create = NewAction("create_server", _options.ServerBootTime, Res(server.Id, "server"));
            var next = new JsonArray(StartedActionJson(NewAction("start_server", _options.ServerBootTime, Res(server.Id, "server"))));
            foreach (var n in networks)
                next.Add(StartedActionJson(NewAction("attach_to_network", TimeSpan.Zero, Res(server.Id, "server"), Res(n.Id, "network"))));
            return Json(new JsonObject
            {
                ["server"] = ServerJson(server), ["action"] = StartedActionJson(create),
                ["next_actions"] = next, ["root_password"] = null,
            }, 201);
        }
    }

    private void Attach(ServerState s, NetworkState n, string? ip)
    {
        var subnet = n.Subnets.FirstOrDefault(x => x.Type == "cloud" && x.NetworkZone == HetznerCatalog.FindLocation(s.Location)!.NetworkZone)
            ?? throw new ApiError(422, "no_subnet_available", $"network {n.Id} has no subnet in the server's network zone");
        var (start, prefix) = ParseRange(subnet.IpRange, "ip_range");
        var used = _state.Servers.SelectMany(x => x.PrivateNets).Where(p => p.Network == n.Id).Select(p => p.Ip).ToHashSet();
        if (ip is null)
        {
            for (uint i = 1; i < (1u << (32 - prefix)) - 1 && ip is null; i++)
                if (!used.Contains(ToIp(start + i)) && ToIp(start + i) != subnet.Gateway) ip = ToIp(start + i);
            if (ip is null) throw new ApiError(422, "ip_not_available", "no IP left in the subnet");
        }
        else if (used.Contains(ip)) throw new ApiError(422, "ip_not_available", $"IP {ip} is already used");
        s.PrivateNets.Add(new PrivateNetState { Network = n.Id, Ip = ip, Mac = $"86:00:00:{(s.Id >> 16) & 255:x2}:{(s.Id >> 8) & 255:x2}:{s.Id & 255:x2}" });
    }

    /// <summary>A server is locked while an action on it (its creation and boot) is running.</summary>
    private bool IsLocked(long serverId) =>
        _state.Actions.Any(a => a.FinishAt > Now && a.Resources.Any(r => r.Type == "server" && r.Id == serverId));

    private void EnsureUnlocked(ServerState s)
    {
        if (IsLocked(s.Id)) throw new ApiError(423, "locked", $"server {s.Id} is locked: another action is running");
    }

    private ServerState Server(long id) => _state.Servers.FirstOrDefault(s => s.Id == id) ?? throw NotFound("server", id);

    private string ServerStatus(ServerState s)
    {
        if (s.PoweredOff) return "off";
        var now = Now;
        if (now >= s.RunningAt) return "running";
        return now - s.Created < (s.RunningAt - s.Created) / 2 ? "initializing" : "starting";
    }

    private JsonObject ServerJson(ServerState s)
    {
        var type = HetznerCatalog.FindServerType(s.ServerType)!;
        var location = HetznerCatalog.FindLocation(s.Location)!;
        var image = HetznerCatalog.Images.First(i => i.Name == s.Image && i.Architecture == type.Architecture);
        var ipv6Net = $"2a01:4f8:c17:{s.Id % 65536:x}::";
        return new JsonObject
        {
            ["id"] = s.Id, ["name"] = s.Name, ["status"] = ServerStatus(s), ["created"] = Time(s.Created),
            ["public_net"] = new JsonObject
            {
                ["ipv4"] = new JsonObject { ["id"] = s.PublicIPv4Id, ["ip"] = s.PublicIPv4, ["blocked"] = false, ["dns_ptr"] = $"static.{string.Join('.', s.PublicIPv4.Split('.').Reverse())}.clients.your-server.de" },
                ["ipv6"] = new JsonObject { ["id"] = s.PublicIPv4Id + 1, ["ip"] = ipv6Net + "/64", ["blocked"] = false, ["dns_ptr"] = new JsonArray() },
                ["floating_ips"] = new JsonArray(),
                ["firewalls"] = new JsonArray(_state.Firewalls.Where(f => f.AppliedToServers.Contains(s.Id))
                    .Select(f => (JsonNode)new JsonObject { ["id"] = f.Id, ["status"] = "applied" }).ToArray()),
            },
            ["private_net"] = new JsonArray(s.PrivateNets.Select(p => (JsonNode)new JsonObject
            {
                ["network"] = p.Network, ["ip"] = p.Ip, ["alias_ips"] = new JsonArray(), ["mac_address"] = p.Mac,
            }).ToArray()),
            ["server_type"] = HetznerCatalog.ServerTypeJson(type),
            ["datacenter"] = HetznerCatalog.DatacenterJson(location),
            ["location"] = HetznerCatalog.LocationJson(location),
            ["image"] = HetznerCatalog.ImageJson(image),
            ["iso"] = null, ["rescue_enabled"] = false, ["locked"] = IsLocked(s.Id), ["backup_window"] = null,
            ["outgoing_traffic"] = 0, ["ingoing_traffic"] = 0, ["included_traffic"] = 21_990_232_555_520L,
            ["protection"] = new JsonObject { ["delete"] = false, ["rebuild"] = false },
            ["labels"] = LabelsJson(s.Labels),
            ["volumes"] = new JsonArray(_state.Volumes.Where(v => v.Server == s.Id).Select(v => (JsonNode)v.Id).ToArray()),
            ["load_balancers"] = new JsonArray(), ["primary_disk_size"] = type.Disk, ["placement_group"] = null,
        };
    }
}
