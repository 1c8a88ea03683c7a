using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Scaleway;

// Instance API security groups and their rules.
public sealed partial class ScalewayEmulator
{
    private void MapSecurityGroups(RouteGroupBuilder api)
    {
        api.MapGet(Zoned + "/security_groups", ListSecurityGroups);
        api.MapPost(Zoned + "/security_groups", CreateSecurityGroup);
        api.MapGet(Zoned + "/security_groups/{id}", (string zone, string id) => WithGroup(zone, id, g =>
            ScwErrors.Ok(new JsonObject { ["security_group"] = SecurityGroupJson(g, _state.Servers.Values) })));
        api.MapDelete(Zoned + "/security_groups/{id}", (string zone, string id) => WithGroup(zone, id, g =>
        {
            if (_state.Servers.Values.Any(s => s.SecurityGroupId == g.Id))
                return ScwErrors.Conflict("group is in use. you cannot delete it.");
            _state.SecurityGroups.Remove(g.Id);
            return ScwErrors.NoContent();
        }));
        api.MapGet(Zoned + "/security_groups/{id}/rules", (string zone, string id, HttpRequest request) =>
        {
            if (ScwPaging.Read(request, "per_page", true, out var page, out var size) is { } error) return error;
            return WithGroup(zone, id, g =>
            {
                var rules = ScwPaging.Slice(g.Rules, page, size).Select(r => (JsonNode)RuleJson(r, zone)).ToArray();
                return new ScwResult(200, new JsonObject { ["rules"] = new JsonArray(rules), ["total_count"] = g.Rules.Count }, g.Rules.Count);
            });
        });
        api.MapPost(Zoned + "/security_groups/{id}/rules", CreateRule);
        api.MapDelete(Zoned + "/security_groups/{id}/rules/{rule}", (string zone, string id, string rule) => WithGroup(zone, id, g =>
        {
            var r = g.Rules.FirstOrDefault(x => x.Id == rule);
            if (r is null) return ScwErrors.UnknownResource("Security group rule", rule);
            if (!r.Editable) return ScwErrors.InvalidRequestMessage("this rule is not editable");
            g.Rules.Remove(r);
            return ScwErrors.NoContent();
        }));
    }

    private IResult WithGroup(string zone, string id, Func<ScwSecurityGroup, IResult> action)
    {
        if (CheckZone(zone, true) is { } bad) return bad;
        lock (_lock)
        {
            if (!_state.SecurityGroups.TryGetValue(id, out var g) || g.Zone != zone) return ScwErrors.UnknownResource("Security group", id);
            return action(g);
        }
    }

    private IResult ListSecurityGroups(string zone, HttpRequest request)
    {
        if (CheckZone(zone, true) is { } bad) return bad;
        if (ScwPaging.Read(request, "per_page", true, out var page, out var size) is { } error) return error;
        var name = request.Query["name"].ToString();
        var project = request.Query["project"].ToString();
        lock (_lock)
        {
            var matches = _state.SecurityGroups.Values
                .Where(g => g.Zone == zone)
                .Where(g => name.Length == 0 || g.Name.Contains(name, StringComparison.Ordinal))
                .Where(g => project.Length == 0 || g.Project == project)
                .OrderBy(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal)
                .ToList();
            var items = ScwPaging.Slice(matches, page, size).Select(g => (JsonNode)SecurityGroupJson(g, _state.Servers.Values)).ToArray();
            return new ScwResult(200, new JsonObject { ["security_groups"] = new JsonArray(items), ["total_count"] = matches.Count }, matches.Count);
        }
    }

    private async Task<IResult> CreateSecurityGroup(string zone, HttpRequest request)
    {
        if (CheckZone(zone, true) is { } bad) return bad;
        if (await ScwBody.ReadAsync(request) is not { } body) return InvalidBody(true);
        var name = body.Str("name");
        var project = body.Str("project") ?? body.Str("organization");
        if (string.IsNullOrEmpty(name)) return ScwErrors.InvalidRequest("name", "required key not provided");
        if (!ScwBody.IsUuid(project)) return ScwErrors.InvalidRequest("project", "expected a UUID");
        var inbound = body.Str("inbound_default_policy") ?? "accept";
        var outbound = body.Str("outbound_default_policy") ?? "accept";
        if (inbound is not ("accept" or "drop")) return ScwErrors.InvalidRequest("inbound_default_policy", "must be accept or drop");
        if (outbound is not ("accept" or "drop")) return ScwErrors.InvalidRequest("outbound_default_policy", "must be accept or drop");
        var group = new ScwSecurityGroup
        {
            Id = NewId(),
            Name = name,
            Zone = zone,
            Project = project!,
            Description = body.Str("description") ?? "",
            Stateful = body.Bool("stateful") ?? true,
            InboundDefaultPolicy = inbound,
            OutboundDefaultPolicy = outbound,
            EnableDefaultSecurity = body.Bool("enable_default_security") ?? true,
            Tags = body.Strings("tags"),
            CreatedAt = Now,
            ModifiedAt = Now,
        };
        if (group.EnableDefaultSecurity)
        {
            // Scaleway blocks outgoing SMTP on new groups with rules the user cannot edit.
            var position = 1;
            foreach (var port in new[] { 25, 465, 587 })
            {
                group.Rules.Add(new ScwRule
                {
                    Id = NewId(), Protocol = "TCP", Direction = "outbound", Action = "drop", IpRange = "0.0.0.0/0",
                    DestPortFrom = port, DestPortTo = null, Position = position++, Editable = false,
                });
            }
        }
        lock (_lock)
        {
            _state.SecurityGroups[group.Id] = group;
            return ScwErrors.Ok(new JsonObject { ["security_group"] = SecurityGroupJson(group, _state.Servers.Values) }, 201);
        }
    }

    private async Task<IResult> CreateRule(string zone, string id, HttpRequest request)
    {
        if (await ScwBody.ReadAsync(request) is not { } body) return InvalidBody(true);
        var protocol = body.Str("protocol") ?? "TCP";
        var direction = body.Str("direction") ?? "inbound";
        var action = body.Str("action") ?? "accept";
        var ipRange = body.Str("ip_range") ?? "0.0.0.0/0";
        var from = body["dest_port_from"].Long();
        var to = body["dest_port_to"].Long();
        if (protocol is not ("TCP" or "UDP" or "ICMP" or "ANY")) return ScwErrors.InvalidRequest("protocol", "must be TCP, UDP, ICMP or ANY");
        if (direction is not ("inbound" or "outbound")) return ScwErrors.InvalidRequest("direction", "must be inbound or outbound");
        if (action is not ("accept" or "drop")) return ScwErrors.InvalidRequest("action", "must be accept or drop");
        if (from is < 1 or > 65535) return ScwErrors.InvalidRequest("dest_port_from", "must be between 1 and 65535");
        if (to is < 1 or > 65535 || (to is not null && from is not null && to < from))
            return ScwErrors.InvalidRequest("dest_port_to", "must be between dest_port_from and 65535");
        return WithGroup(zone, id, g =>
        {
            var rule = new ScwRule
            {
                Id = NewId(), Protocol = protocol, Direction = direction, Action = action, IpRange = ipRange,
                DestPortFrom = (int?)from, DestPortTo = to == from ? null : (int?)to,
                Position = g.Rules.Count + 1, Editable = true,
            };
            g.Rules.Add(rule);
            g.ModifiedAt = Now;
            return ScwErrors.Ok(new JsonObject { ["rule"] = RuleJson(rule, zone) }, 201);
        });
    }
}
