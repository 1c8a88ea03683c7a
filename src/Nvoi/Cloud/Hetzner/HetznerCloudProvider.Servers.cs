using System.Text.Json.Nodes;

namespace Nvoi.Cloud.Hetzner;

public sealed partial class HetznerCloudProvider
{
    public async Task<ServerInfo?> FindServerAsync(string name, CancellationToken ct) =>
        (await _api.ListAsync($"servers?name={Q(name)}", "servers", ct).ConfigureAwait(false))
            .Where(s => S(s["name"]) == name).Select(ToServer).FirstOrDefault();

    public async Task<IReadOnlyList<ServerInfo>> ListServersAsync(CancellationToken ct) =>
        (await _api.ListAsync("servers", "servers", ct).ConfigureAwait(false)).Select(ToServer).ToList();

    public async Task<ServerInfo> CreateServerAsync(ServerSpec spec, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["name"] = spec.Name, ["server_type"] = spec.ServerType, ["image"] = Image, ["location"] = spec.Location,
            ["user_data"] = spec.UserData, ["labels"] = LabelsJson(spec.Labels), ["start_after_create"] = true,
            ["networks"] = new JsonArray(L(spec.Network.Id)),
            ["firewalls"] = new JsonArray(new JsonObject { ["firewall"] = L(spec.Firewall.Id) }),
            ["public_net"] = new JsonObject { ["enable_ipv4"] = true, ["enable_ipv6"] = true },
        };
        return await CreateOnceAsync("server", spec.Name, () => FindServerAsync(spec.Name, ct), async () =>
            ToServer((await _api.PostAsync("servers", body, ct).ConfigureAwait(false))["server"]!.AsObject()), ct).ConfigureAwait(false);
    }

    public async Task<ServerInfo> WaitForServerRunningAsync(string serverId, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _api.Time.GetUtcNow() + timeout;
        while (true)
        {
            var json = await _api.GetAsync($"servers/{serverId}", ct).ConfigureAwait(false);
            var server = ToServer(json["server"]!.AsObject());
            if (server.Status == ServerStatus.Running && server.PublicIPv4 is not null) return server;
            if (_api.Time.GetUtcNow() >= deadline)
                throw new CloudApiException(Name, 0, "timeout", $"server {server.Name} is still {server.Status} after {timeout.TotalSeconds:0}s");
            await Task.Delay(_api.PollInterval, _api.Time, ct).ConfigureAwait(false);
        }
    }

    public async Task DeleteServerAsync(ServerInfo server, CancellationToken ct)
    {
        var current = await _api.TryGetAsync($"servers/{server.Id}", ct).ConfigureAwait(false);
        if (current?["server"] is not JsonObject s) return;
        foreach (var firewallId in (s["public_net"]?["firewalls"] as JsonArray ?? []).Select(HetznerApi.Id).ToList())
            await RemoveFirewallAsync(firewallId, server.Id, ct).ConfigureAwait(false);
        foreach (var networkId in (s["private_net"] as JsonArray ?? []).Select(p => p!["network"]!.GetValue<long>()).ToList())
            await EnsureAsync(
                async () => await _api.TryGetAsync($"servers/{server.Id}", ct).ConfigureAwait(false) is not { } now
                    || (now["server"]?["private_net"] as JsonArray ?? []).All(p => p?["network"]?.GetValue<long>() != networkId),
                () => _api.PostAsync($"servers/{server.Id}/actions/detach_from_network", new JsonObject { ["network"] = networkId }, ct), ct)
                .ConfigureAwait(false);
        if (await _api.DeleteAsync($"servers/{server.Id}", ct).ConfigureAwait(false) is { } response)
            await _api.WaitForActionsAsync(response, ct).ConfigureAwait(false);
    }

    private static ServerInfo ToServer(JsonObject s)
    {
        var status = S(s["status"]) switch
        {
            "running" => ServerStatus.Running,
            "initializing" or "starting" => ServerStatus.Starting,
            "off" or "stopping" => ServerStatus.Stopped,
            "deleting" => ServerStatus.Deleting,
            _ => ServerStatus.Unknown,
        };
        var publicIp = s["public_net"]?["ipv4"]?["ip"]?.GetValue<string>();
        var privateIp = (s["private_net"] as JsonArray ?? []).Select(p => p?["ip"]?.GetValue<string>()).FirstOrDefault(ip => !string.IsNullOrEmpty(ip));
        var location = s["location"]?["name"] ?? s["datacenter"]?["location"]?["name"];
        return new ServerInfo(HetznerApi.Id(s), S(s["name"]), status, string.IsNullOrEmpty(publicIp) ? null : publicIp, privateIp,
            S(s["server_type"]?["name"]), S(location));
    }
}
