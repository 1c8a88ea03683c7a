using System.Text.Json.Nodes;

namespace Nvoi.Cloud.Hetzner;

public sealed partial class HetznerCloudProvider
{
    /// <summary>The private network's range and the subnet servers get their addresses from.</summary>
    public const string NetworkRange = "10.0.0.0/16", SubnetRange = "10.0.1.0/24";

    public async Task<NetworkInfo?> FindNetworkAsync(string name, CancellationToken ct) =>
        (await _api.ListAsync($"networks?name={Q(name)}", "networks", ct).ConfigureAwait(false))
            .Where(n => S(n["name"]) == name).Select(ToNetwork).FirstOrDefault();

    public async Task<NetworkInfo> CreateNetworkAsync(string name, string location, CancellationToken ct)
    {
        var zone = (await _api.ListAsync($"locations?name={Q(location)}", "locations", ct).ConfigureAwait(false))
            .Select(l => S(l["network_zone"])).FirstOrDefault(z => z.Length > 0) ?? "eu-central";
        var body = new JsonObject
        {
            ["name"] = name, ["ip_range"] = NetworkRange, ["labels"] = LabelsJson(null),
            ["subnets"] = new JsonArray(new JsonObject { ["type"] = "cloud", ["ip_range"] = SubnetRange, ["network_zone"] = zone }),
        };
        return await CreateOnceAsync("network", name, () => FindNetworkAsync(name, ct), async () =>
            ToNetwork((await _api.PostAsync("networks", body, ct).ConfigureAwait(false))["network"]!.AsObject()), ct).ConfigureAwait(false);
    }

    public async Task DeleteNetworkAsync(NetworkInfo network, CancellationToken ct) =>
        await _api.DeleteAsync($"networks/{network.Id}", ct).ConfigureAwait(false);

    private static NetworkInfo ToNetwork(JsonObject n)
    {
        var subnet = (n["subnets"] as JsonArray ?? []).OfType<JsonObject>().Select(s => S(s["ip_range"]))
            .FirstOrDefault(r => r == SubnetRange) ?? (n["subnets"] as JsonArray)?.OfType<JsonObject>().Select(s => S(s["ip_range"])).FirstOrDefault();
        return new NetworkInfo(HetznerApi.Id(n), S(n["name"]), S(n["ip_range"]), subnet);
    }

    public async Task<FirewallInfo?> FindFirewallAsync(string name, CancellationToken ct) =>
        (await _api.ListAsync($"firewalls?name={Q(name)}", "firewalls", ct).ConfigureAwait(false))
            .Where(f => S(f["name"]) == name).Select(f => new FirewallInfo(HetznerApi.Id(f), S(f["name"]))).FirstOrDefault();

    /// <inheritdoc/>
    public bool FirewallNeedsNetwork => false;

    public async Task<FirewallInfo> CreateFirewallAsync(string name, NetworkInfo? network, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["name"] = name, ["labels"] = LabelsJson(null),
            ["rules"] = new JsonArray(new JsonObject
            {
                ["direction"] = "in", ["protocol"] = "tcp", ["port"] = "22", ["description"] = "ssh",
                ["source_ips"] = new JsonArray("0.0.0.0/0", "::/0"),
            }),
        };
        return await CreateOnceAsync("firewall", name, () => FindFirewallAsync(name, ct), async () =>
        {
            var response = await _api.PostAsync("firewalls", body, ct).ConfigureAwait(false);
            await _api.WaitForActionsAsync(response, ct).ConfigureAwait(false);
            var f = response["firewall"]!;
            return new FirewallInfo(HetznerApi.Id(f), S(f["name"]));
        }, ct).ConfigureAwait(false);
    }

    public async Task DeleteFirewallAsync(FirewallInfo firewall, CancellationToken ct)
    {
        var current = await _api.TryGetAsync($"firewalls/{firewall.Id}", ct).ConfigureAwait(false);
        if (current is null) return;
        foreach (var serverId in AppliedServers(current))
            await RemoveFirewallAsync(firewall.Id, serverId, ct).ConfigureAwait(false);
        await _api.DeleteAsync($"firewalls/{firewall.Id}", ct).ConfigureAwait(false);
    }

    private static IEnumerable<string> AppliedServers(JsonObject firewallResponse) =>
        (firewallResponse["firewall"]?["applied_to"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(r => S(r["type"]) == "server").Select(r => HetznerApi.Id(r["server"])).ToList();

    /// <summary>Removes the firewall from one server (apply_to removal), idempotently.</summary>
    private Task RemoveFirewallAsync(string firewallId, string serverId, CancellationToken ct) => EnsureAsync(
        async () => await _api.TryGetAsync($"firewalls/{firewallId}", ct).ConfigureAwait(false) is not { } f || !AppliedServers(f).Contains(serverId),
        () => _api.PostAsync($"firewalls/{firewallId}/actions/remove_from_resources", new JsonObject
        {
            ["remove_from"] = new JsonArray(new JsonObject { ["type"] = "server", ["server"] = new JsonObject { ["id"] = L(serverId) } }),
        }, ct), ct);
}
