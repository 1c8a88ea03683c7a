using System.Text.Json.Nodes;

namespace Nvoi.Cloud.Scaleway;

// Private network (VPC v2) and firewall (Instance security group).
public sealed partial class ScalewayProvider
{
    // ---- network (VPC v2 private network with one subnet) ----

    public async Task<NetworkInfo?> FindNetworkAsync(string name, CancellationToken ct)
    {
        var networks = await _api.ListAsync($"{Vpc}/private-networks?name={ScwJson.Q(name)}&project_id={ScwJson.Q(_projectId)}", "private_networks", "page_size", ct);
        return networks.Where(n => n.S("name") == name).Select(ToNetwork).FirstOrDefault();
    }

    public async Task<NetworkInfo> CreateNetworkAsync(string name, string location, CancellationToken ct)
    {
        if (ScalewayZones.IsZone(location) && ScalewayZones.RegionOf(location) != _region)
            throw new CloudValidationException($"scaleway zone '{location}' is not in region {_region} of the configured zone {_zone}");
        return await FindOrCreateAsync(
            () => FindNetworkAsync(name, ct),
            async () => ToNetwork((await _api.SendAsync(HttpMethod.Post, $"{Vpc}/private-networks", new JsonObject
            {
                ["name"] = name,
                ["project_id"] = _projectId,
                ["subnets"] = new JsonArray(Subnet),
                ["tags"] = new JsonArray("nvoi"),
            }, ct))!),
            ct);
    }

    public async Task DeleteNetworkAsync(NetworkInfo network, CancellationToken ct)
    {
        // A private network with NICs cannot be deleted: detach whatever is still on it.
        var servers = await _api.ListAsync($"{Instance}/servers?private_network={ScwJson.Q(network.Id)}", "servers", "per_page", ct);
        foreach (var server in servers)
            foreach (var nic in (server["private_nics"] as JsonArray ?? []).OfType<JsonObject>().Where(n => n.S("private_network_id") == network.Id))
                await _api.DeleteAsync($"{Instance}/servers/{server.S("id")}/private_nics/{nic.S("id")}", ct);
        await _api.DeleteAsync($"{Vpc}/private-networks/{network.Id}", ct);
    }

    private static NetworkInfo ToNetwork(JsonObject n)
    {
        var subnet = (n["subnets"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        return new NetworkInfo(n.S("id")!, n.S("name")!, subnet.S("subnet") ?? "", subnet.S("id"));
    }

    // ---- firewall (security group: inbound drop except TCP 22, outbound accept) ----

    public async Task<FirewallInfo?> FindFirewallAsync(string name, CancellationToken ct)
    {
        var groups = await _api.ListAsync($"{Instance}/security_groups?name={ScwJson.Q(name)}&project={ScwJson.Q(_projectId)}", "security_groups", "per_page", ct);
        return groups.Where(g => g.S("name") == name).Select(g => new FirewallInfo(g.S("id")!, g.S("name")!)).FirstOrDefault();
    }

    /// <inheritdoc/>
    public bool FirewallNeedsNetwork => false;

    public async Task<FirewallInfo> CreateFirewallAsync(string name, NetworkInfo? network, CancellationToken ct)
    {
        var firewall = await FindOrCreateAsync(
            () => FindFirewallAsync(name, ct),
            async () =>
            {
                var created = await _api.SendAsync(HttpMethod.Post, $"{Instance}/security_groups", new JsonObject
                {
                    ["name"] = name,
                    ["project"] = _projectId,
                    ["description"] = "nvoi: SSH only",
                    ["stateful"] = true,
                    ["inbound_default_policy"] = "drop",
                    ["outbound_default_policy"] = "accept",
                    ["tags"] = new JsonArray("nvoi"),
                }, ct);
                var group = created!["security_group"];
                return new FirewallInfo(group.S("id")!, group.S("name")!);
            },
            ct);
        await EnsureSshRuleAsync(firewall, ct);
        return firewall;
    }

    private async Task EnsureSshRuleAsync(FirewallInfo firewall, CancellationToken ct)
    {
        var path = $"{Instance}/security_groups/{firewall.Id}/rules";
        async Task<bool> HasRule() => (await _api.ListAsync(path, "rules", "per_page", ct)).Any(r =>
            r.S("direction") == "inbound" && r.S("action") == "accept" && r.S("protocol") == "TCP" &&
            r.L("dest_port_from") == 22 && (r["dest_port_to"] is null || r.L("dest_port_to") == 22));
        await EnsureAsync(HasRule, () => _api.SendAsync(HttpMethod.Post, path, new JsonObject
        {
            ["protocol"] = "TCP",
            ["direction"] = "inbound",
            ["action"] = "accept",
            ["ip_range"] = "0.0.0.0/0",
            ["dest_port_from"] = 22,
            ["dest_port_to"] = 22,
        }, ct), ct);
    }

    public Task DeleteFirewallAsync(FirewallInfo firewall, CancellationToken ct) =>
        _api.DeleteAsync($"{Instance}/security_groups/{firewall.Id}", ct);
}
