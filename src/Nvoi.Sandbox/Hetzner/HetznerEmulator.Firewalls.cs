using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Hetzner;

public sealed partial class HetznerEmulator
{
    private void MapFirewalls(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/firewalls", Handle(ctx =>
        {
            lock (_gate) return Json(Page(ctx, "firewalls", _state.Firewalls.Select(f => (f.Name, (IReadOnlyDictionary<string, string>)f.Labels, FirewallJson(f)))));
        }));
        routes.MapGet("/v1/firewalls/{id}", Handle(ctx =>
        {
            lock (_gate) return Json(new JsonObject { ["firewall"] = FirewallJson(Firewall(RouteId(ctx))) });
        }));
        routes.MapPost("/v1/firewalls", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            var name = RequireName(body);
            var rules = ParseRules(body["rules"]);
            var labels = Labels(body);
            lock (_gate)
            {
                var servers = ParseApplyTo(body["apply_to"], "apply_to");
                if (_state.Firewalls.Any(f => f.Name == name))
                    throw new ApiError(409, "uniqueness_error", "firewall name is already used");
                var fw = new FirewallState { Id = _state.NextId++, Name = name, Created = Now, Rules = rules, Labels = labels, AppliedToServers = servers };
                _state.Firewalls.Add(fw);
                var actions = new JsonArray(StartedActionJson(NewAction("set_firewall_rules", TimeSpan.Zero, Res(fw.Id, "firewall"))));
                foreach (var s in servers)
                    actions.Add(StartedActionJson(NewAction("apply_firewall", TimeSpan.Zero, Res(fw.Id, "firewall"), Res(s, "server"))));
                return Json(new JsonObject { ["firewall"] = FirewallJson(fw), ["actions"] = actions }, 201);
            }
        }));
        routes.MapPut("/v1/firewalls/{id}", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var f = Firewall(RouteId(ctx));
                if (body.ContainsKey("name")) f.Name = RequireName(body);
                if (body.ContainsKey("labels")) f.Labels = Labels(body);
                return Json(new JsonObject { ["firewall"] = FirewallJson(f) });
            }
        }));
        routes.MapDelete("/v1/firewalls/{id}", Handle(ctx =>
        {
            lock (_gate)
            {
                var f = Firewall(RouteId(ctx));
                if (f.AppliedToServers.Count > 0)
                    throw new ApiError(422, "resource_in_use", "firewall must not be in use to be deleted");
                _state.Firewalls.Remove(f);
                return Results.NoContent();
            }
        }));
        routes.MapPost("/v1/firewalls/{id}/actions/set_rules", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            var rules = ParseRules(body["rules"] ?? new JsonArray());
            lock (_gate)
            {
                var f = Firewall(RouteId(ctx));
                f.Rules = rules;
                return Json(new JsonObject { ["actions"] = new JsonArray(StartedActionJson(NewAction("set_firewall_rules", TimeSpan.Zero, Res(f.Id, "firewall")))) }, 201);
            }
        }));
        routes.MapPost("/v1/firewalls/{id}/actions/apply_to_resources", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var f = Firewall(RouteId(ctx));
                var servers = ParseApplyTo(body["apply_to"], "apply_to");
                if (servers.Any(f.AppliedToServers.Contains))
                    throw new ApiError(422, "firewall_already_applied", "firewall is already applied to the server");
                f.AppliedToServers.AddRange(servers);
                var actions = new JsonArray(servers.Select(s => (JsonNode)StartedActionJson(NewAction("apply_firewall", TimeSpan.Zero, Res(f.Id, "firewall"), Res(s, "server")))).ToArray());
                return Json(new JsonObject { ["actions"] = actions }, 201);
            }
        }));
        routes.MapPost("/v1/firewalls/{id}/actions/remove_from_resources", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var f = Firewall(RouteId(ctx));
                var servers = ParseApplyTo(body["remove_from"], "remove_from");
                if (!servers.All(f.AppliedToServers.Contains))
                    throw new ApiError(422, "firewall_already_removed", "firewall is not applied to the server");
                f.AppliedToServers.RemoveAll(servers.Contains);
                var actions = new JsonArray(servers.Select(s => (JsonNode)StartedActionJson(NewAction("remove_firewall", TimeSpan.Zero, Res(f.Id, "firewall"), Res(s, "server")))).ToArray());
                return Json(new JsonObject { ["actions"] = actions }, 201);
            }
        }));
    }

    private FirewallState Firewall(long id) => _state.Firewalls.FirstOrDefault(f => f.Id == id) ?? throw NotFound("firewall", id);

    private static JsonObject FirewallJson(FirewallState f) => new()
    {
        ["id"] = f.Id, ["name"] = f.Name, ["labels"] = LabelsJson(f.Labels), ["created"] = Time(f.Created),
        ["rules"] = new JsonArray(f.Rules.Select(r => (JsonNode)new JsonObject
        {
            ["direction"] = r.Direction, ["protocol"] = r.Protocol, ["port"] = r.Port, ["description"] = r.Description,
            ["source_ips"] = new JsonArray(r.SourceIps.Select(i => (JsonNode)i).ToArray()),
            ["destination_ips"] = new JsonArray(r.DestinationIps.Select(i => (JsonNode)i).ToArray()),
        }).ToArray()),
        ["applied_to"] = new JsonArray(f.AppliedToServers.Select(s => (JsonNode)new JsonObject
        {
            ["type"] = "server", ["server"] = new JsonObject { ["id"] = s },
        }).ToArray()),
    };

    private static List<FirewallRuleState> ParseRules(JsonNode? node)
    {
        var rules = new List<FirewallRuleState>();
        if (node is null) return rules;
        if (node is not JsonArray array) throw InvalidInput("rules", "must be a list");
        foreach (var item in array)
        {
            var r = item as JsonObject ?? throw InvalidInput("rules", "must be objects");
            var direction = OptString(r, "direction");
            if (direction is not ("in" or "out")) throw InvalidInput("rules.direction", "must be 'in' or 'out'");
            var protocol = OptString(r, "protocol");
            if (protocol is not ("tcp" or "udp" or "icmp" or "esp" or "gre")) throw InvalidInput("rules.protocol", "must be one of tcp, udp, icmp, esp, gre");
            var port = OptString(r, "port");
            if (protocol is "tcp" or "udp")
            {
                if (port is null) throw InvalidInput("rules.port", "port is required for tcp and udp");
                var bounds = port.Split('-');
                if (bounds.Length > 2 || bounds.Any(b => !int.TryParse(b, out var p) || p is < 1 or > 65535))
                    throw InvalidInput("rules.port", $"'{port}' is not a port or port range");
            }
            else if (port is not null) throw InvalidInput("rules.port", "port is only allowed for tcp and udp");
            var sources = (r["source_ips"] as JsonArray ?? []).Select(i => i!.GetValue<string>()).ToList();
            var destinations = (r["destination_ips"] as JsonArray ?? []).Select(i => i!.GetValue<string>()).ToList();
            if (direction == "in" && sources.Count == 0) throw InvalidInput("rules.source_ips", "source_ips are required for inbound rules");
            if (direction == "out" && destinations.Count == 0) throw InvalidInput("rules.destination_ips", "destination_ips are required for outbound rules");
            rules.Add(new FirewallRuleState
            {
                Direction = direction, Protocol = protocol, Port = port, SourceIps = sources, DestinationIps = destinations,
                Description = OptString(r, "description"),
            });
        }
        return rules;
    }

    /// <summary>Reads apply_to / remove_from: only server resources are emulated.</summary>
    private List<long> ParseApplyTo(JsonNode? node, string field)
    {
        var servers = new List<long>();
        foreach (var item in node as JsonArray ?? [])
        {
            var r = item as JsonObject ?? throw InvalidInput(field, "must be objects");
            if (OptString(r, "type") != "server") throw InvalidInput($"{field}.type", "only 'server' resources are supported");
            var id = OptLong(r["server"]?["id"], $"{field}.server.id") ?? throw InvalidInput($"{field}.server.id", "Missing data for required field.");
            if (_state.Servers.All(s => s.Id != id))
                throw new ApiError(422, "firewall_resource_not_found", $"server with ID '{id}' not found");
            servers.Add(id);
        }
        return servers;
    }
}
