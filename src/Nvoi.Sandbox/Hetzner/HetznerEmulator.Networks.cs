using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Hetzner;

public sealed partial class HetznerEmulator
{
    private void MapNetworks(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/networks", Handle(ctx =>
        {
            lock (_gate) return Json(Page(ctx, "networks", _state.Networks.Select(n => (n.Name, (IReadOnlyDictionary<string, string>)n.Labels, NetworkJson(n)))));
        }));
        routes.MapGet("/v1/networks/{id}", Handle(ctx =>
        {
            lock (_gate) return Json(new JsonObject { ["network"] = NetworkJson(Network(RouteId(ctx))) });
        }));
        routes.MapPost("/v1/networks", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            var name = RequireName(body);
            var ipRange = OptString(body, "ip_range") ?? throw InvalidInput("ip_range", "Missing data for required field.");
            var range = ParseRange(ipRange, "ip_range");
            var subnets = new List<SubnetState>();
            foreach (var s in body["subnets"] as JsonArray ?? [])
                subnets.Add(ParseSubnet(s as JsonObject ?? throw InvalidInput("subnets", "must be objects"), range));
            var labels = Labels(body);
            lock (_gate)
            {
                if (_state.Networks.Any(n => n.Name == name))
                    throw new ApiError(409, "uniqueness_error", "network name is already used");
                var network = new NetworkState { Id = _state.NextId++, Name = name, IpRange = ipRange, Created = Now, Subnets = subnets, Labels = labels };
                _state.Networks.Add(network);
                return Json(new JsonObject { ["network"] = NetworkJson(network) }, 201);
            }
        }));
        routes.MapPut("/v1/networks/{id}", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var n = Network(RouteId(ctx));
                if (body.ContainsKey("name")) n.Name = RequireName(body);
                if (body.ContainsKey("labels")) n.Labels = Labels(body);
                return Json(new JsonObject { ["network"] = NetworkJson(n) });
            }
        }));
        routes.MapDelete("/v1/networks/{id}", Handle(ctx =>
        {
            lock (_gate)
            {
                var n = Network(RouteId(ctx));
                foreach (var s in _state.Servers) s.PrivateNets.RemoveAll(p => p.Network == n.Id);
                _state.Networks.Remove(n);
                return Results.NoContent();
            }
        }));
        routes.MapPost("/v1/networks/{id}/actions/add_subnet", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var n = Network(RouteId(ctx));
                var subnet = ParseSubnet(body, ParseRange(n.IpRange, "ip_range"));
                if (subnet.IpRange == "")
                    subnet.IpRange = NextFreeSubnet(n);
                if (n.Subnets.Any(s => Overlaps(s.IpRange, subnet.IpRange)))
                    throw new ApiError(422, "networks_overlap", "subnet overlaps with an existing subnet");
                n.Subnets.Add(subnet);
                return Json(new JsonObject { ["action"] = StartedActionJson(NewAction("add_subnet", TimeSpan.Zero, Res(n.Id, "network"))) }, 201);
            }
        }));
        routes.MapPost("/v1/networks/{id}/actions/delete_subnet", Handle(async ctx =>
        {
            var body = await ReadBody(ctx);
            lock (_gate)
            {
                var n = Network(RouteId(ctx));
                var range = OptString(body, "ip_range") ?? throw InvalidInput("ip_range", "Missing data for required field.");
                if (n.Subnets.RemoveAll(s => s.IpRange == range) == 0) throw InvalidInput("ip_range", "subnet not found");
                return Json(new JsonObject { ["action"] = StartedActionJson(NewAction("delete_subnet", TimeSpan.Zero, Res(n.Id, "network"))) }, 201);
            }
        }));
    }

    private NetworkState Network(long id) => _state.Networks.FirstOrDefault(n => n.Id == id) ?? throw NotFound("network", id);

    private JsonObject NetworkJson(NetworkState n) => new()
    {
        ["id"] = n.Id, ["name"] = n.Name, ["ip_range"] = n.IpRange, ["created"] = Time(n.Created),
        ["subnets"] = new JsonArray(n.Subnets.Select(s => (JsonNode)new JsonObject
        {
            ["type"] = s.Type, ["ip_range"] = s.IpRange, ["network_zone"] = s.NetworkZone, ["gateway"] = s.Gateway, ["vswitch_id"] = null,
        }).ToArray()),
        ["routes"] = new JsonArray(),
        ["servers"] = new JsonArray(_state.Servers.Where(s => s.PrivateNets.Any(p => p.Network == n.Id)).Select(s => (JsonNode)s.Id).ToArray()),
        ["load_balancers"] = new JsonArray(),
        ["protection"] = new JsonObject { ["delete"] = false },
        ["labels"] = LabelsJson(n.Labels),
        ["expose_routes_to_vswitch"] = false,
    };

    private static SubnetState ParseSubnet(JsonObject s, (uint Start, int Prefix) parent)
    {
        var type = OptString(s, "type") ?? throw InvalidInput("type", "Missing data for required field.");
        if (type is not ("cloud" or "server" or "vswitch")) throw InvalidInput("type", "must be one of cloud, server, vswitch");
        var zone = OptString(s, "network_zone") ?? throw InvalidInput("network_zone", "Missing data for required field.");
        if (!HetznerCatalog.Locations.Any(l => l.NetworkZone == zone)) throw InvalidInput("network_zone", $"unknown network zone '{zone}'");
        var range = OptString(s, "ip_range") ?? "";
        if (range != "")
        {
            var (start, prefix) = ParseRange(range, "ip_range");
            if (prefix < parent.Prefix || (start & Mask(parent.Prefix)) != parent.Start)
                throw InvalidInput("ip_range", "subnet must be inside the network's ip_range");
        }
        return new SubnetState { Type = type, IpRange = range, NetworkZone = zone, Gateway = ToIp(parent.Start + 1) };
    }

    private static string NextFreeSubnet(NetworkState n)
    {
        var (start, _) = ParseRange(n.IpRange, "ip_range");
        for (uint i = 0; i < 256; i++)
        {
            var candidate = $"{ToIp(start + (i << 8))}/24";
            if (!n.Subnets.Any(s => Overlaps(s.IpRange, candidate))) return candidate;
        }
        throw new ApiError(422, "no_subnet_available", "no subnet available in the network");
    }

    internal static (uint Start, int Prefix) ParseRange(string cidr, string field)
    {
        var parts = cidr.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(parts[1], out var prefix) || prefix is < 8 or > 30)
            throw InvalidInput(field, $"'{cidr}' is not a valid IPv4 CIDR range");
        var bytes = ip.GetAddressBytes();
        var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        if ((value & Mask(prefix)) != value) throw InvalidInput(field, $"'{cidr}' has host bits set");
        if (!(bytes[0] == 10 || (bytes[0] == 172 && (bytes[1] & 0xF0) == 16) || (bytes[0] == 192 && bytes[1] == 168)))
            throw InvalidInput(field, "ip_range must be a private (RFC 1918) range");
        return (value, prefix);
    }

    private static uint Mask(int prefix) => prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);

    private static bool Overlaps(string a, string b)
    {
        var (sa, pa) = ParseRange(a, "ip_range");
        var (sb, pb) = ParseRange(b, "ip_range");
        var p = Math.Min(pa, pb);
        return (sa & Mask(p)) == (sb & Mask(p));
    }

    internal static string ToIp(uint v) => $"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}";
}
