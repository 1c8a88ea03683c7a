using System.Globalization;
using System.Text.Json.Nodes;

namespace Nvoi.Cloud.Scaleway;

// Instances: create (stopped) → user data → private NIC → power on → running.
public sealed partial class ScalewayProvider
{
    public async Task<ServerInfo?> FindServerAsync(string name, CancellationToken ct)
    {
        var server = await FindServerJsonAsync(name, ct);
        return server is null ? null : ToServer(server, await PrivateIpOfAsync(server, ct));
    }

    public async Task<IReadOnlyList<ServerInfo>> ListServersAsync(CancellationToken ct)
    {
        var servers = await _api.ListAsync($"{Instance}/servers?project={ScwJson.Q(_projectId)}", "servers", "per_page", ct);
        if (servers.Count == 0) return [];
        // One IPAM listing for every private address rather than one call per server.
        var ips = await _api.ListAsync($"{Ipam}/ips?resource_type=instance_private_nic&project_id={ScwJson.Q(_projectId)}", "ips", "page_size", ct);
        var byNic = ips.Where(ip => ip["resource"].S("id") is not null)
            .GroupBy(ip => ip["resource"].S("id")!)
            .ToDictionary(g => g.Key, g => StripPrefix(g.First().S("address")));
        return servers.Select(s => ToServer(s, Nics(s).Select(n => byNic.GetValueOrDefault(n.S("id") ?? "")).FirstOrDefault(a => a is not null))).ToList();
    }

    public async Task<ServerInfo> CreateServerAsync(ServerSpec spec, CancellationToken ct)
    {
        if (spec.Location.Length > 0 && spec.Location != _zone)
            throw new CloudValidationException($"scaleway server '{spec.Name}' is placed in {spec.Location}, but the provider is configured for zone {_zone}");
        var server = await FindOrCreateAsync(
            () => FindServerJsonAsync(spec.Name, ct),
            async () => (JsonObject)(await _api.SendAsync(HttpMethod.Post, $"{Instance}/servers", new JsonObject
            {
                ["name"] = spec.Name,
                ["commercial_type"] = spec.ServerType,
                ["image"] = ImageLabel,
                ["project"] = _projectId,
                ["security_group"] = spec.Firewall.Id,
                ["dynamic_ip_required"] = true,
                ["boot_type"] = "local",
                ["tags"] = new JsonArray(spec.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => (JsonNode)Tag(l)).ToArray()),
            }, ct))!["server"]!,
            ct);
        var id = server.S("id")!;

        // Setting the same user data twice is harmless, so a lost answer is simply sent again.
        await RepeatOnAmbiguousAsync(() => _api.SendTextAsync(HttpMethod.Patch, $"{Instance}/servers/{id}/user_data/cloud-init", spec.UserData, ct), ct);

        await EnsureAsync(
            async () => (await _api.ListAsync($"{Instance}/servers/{id}/private_nics", "private_nics", "per_page", ct))
                .Any(n => n.S("private_network_id") == spec.Network.Id),
            () => _api.SendAsync(HttpMethod.Post, $"{Instance}/servers/{id}/private_nics", new JsonObject { ["private_network_id"] = spec.Network.Id }, ct),
            ct);

        await EnsureAsync(
            async () => (await GetServerJsonAsync(id, ct))?.S("state") is not "stopped",
            () => _api.SendAsync(HttpMethod.Post, $"{Instance}/servers/{id}/action", new JsonObject { ["action"] = "poweron" }, ct),
            ct);

        var current = await GetServerJsonAsync(id, ct) ?? throw new CloudApiException(Name, 404, "unknown_resource", $"server {spec.Name} disappeared while it was created");
        return ToServer(current, await PrivateIpOfAsync(current, ct));
    }

    public async Task<ServerInfo> WaitForServerRunningAsync(string serverId, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            var server = await GetServerJsonAsync(serverId, ct)
                ?? throw new CloudApiException(Name, 404, "unknown_resource", $"server {serverId} does not exist");
            var info = ToServer(server, await PrivateIpOfAsync(server, ct));
            var needsPrivate = Nics(server).Any();
            if (info.Status == ServerStatus.Running && info.PublicIPv4 is not null && (!needsPrivate || info.PrivateIPv4 is not null))
                return info;
            if (_time.GetUtcNow() >= deadline)
                throw new NvoiException($"scaleway: server {info.Name} is still '{server.S("state")}' after {timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s");
            await DelayAsync(ct);
        }
    }

    public async Task DeleteServerAsync(ServerInfo server, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + TimeSpan.FromMinutes(10);
        string? rootBlockVolume = null;
        for (var attempt = 1; ; attempt++)
        {
            var current = await GetServerJsonAsync(server.Id, ct);
            if (current is null) break;
            rootBlockVolume ??= RootBlockVolume(current);
            foreach (var nic in Nics(current))
                await _api.DeleteAsync($"{Instance}/servers/{server.Id}/private_nics/{nic.S("id")}", ct);
            var state = current.S("state");
            try
            {
                // terminate stops and deletes a running Instance; a stopped one is deleted directly.
                if (state is "running" or "starting")
                    await _api.SendAsync(HttpMethod.Post, $"{Instance}/servers/{server.Id}/action", new JsonObject { ["action"] = "terminate" }, ct);
                else if (state is "stopped" or "stopped in place")
                    await _api.DeleteAsync($"{Instance}/servers/{server.Id}", ct);
            }
            catch (Exception e) when (IsAmbiguous(e) && attempt < CreateAttempts)
            {
                continue; // look at the server again
            }
            if (await GetServerJsonAsync(server.Id, ct) is null) break;
            if (_time.GetUtcNow() >= deadline)
                throw new NvoiException($"scaleway: server {server.Name} was not deleted within 10 minutes");
            await DelayAsync(ct);
        }
        // Block-backed types boot from a Block volume that outlives the Instance: delete it too.
        if (rootBlockVolume is not null) await DeleteWhenDetachedAsync(rootBlockVolume, deadline, ct);
    }

    /// <summary>The id of the boot volume when it is a Block (sbs) volume rather than local storage.</summary>
    private static string? RootBlockVolume(JsonObject server) =>
        server["volumes"]?["0"] is JsonObject root && root.S("volume_type") == "sbs_volume" ? root.S("id") : null;

    private async Task DeleteWhenDetachedAsync(string volumeId, DateTimeOffset deadline, CancellationToken ct)
    {
        while (true)
        {
            var volume = await _api.GetAsync($"{Block}/volumes/{volumeId}", ct);
            if (volume is null) return;
            if (volume.S("status") == "available")
            {
                await _api.DeleteAsync($"{Block}/volumes/{volumeId}", ct);
                return;
            }
            if (_time.GetUtcNow() >= deadline)
                throw new NvoiException($"scaleway: boot volume {volumeId} is still '{volume.S("status")}' after its server was deleted");
            await DelayAsync(ct);
        }
    }

    private async Task<JsonObject?> FindServerJsonAsync(string name, CancellationToken ct)
    {
        // The name filter matches substrings: keep the exact name only.
        var servers = await _api.ListAsync($"{Instance}/servers?name={ScwJson.Q(name)}&project={ScwJson.Q(_projectId)}", "servers", "per_page", ct);
        return servers.Where(s => s.S("name") == name).OrderBy(s => s.S("creation_date"), StringComparer.Ordinal).FirstOrDefault();
    }

    private async Task<JsonObject?> GetServerJsonAsync(string id, CancellationToken ct) =>
        (await _api.GetAsync($"{Instance}/servers/{id}", ct))?["server"] as JsonObject;

    private static IEnumerable<JsonObject> Nics(JsonObject server) => (server["private_nics"] as JsonArray ?? []).OfType<JsonObject>();

    /// <summary>The address IPAM gave the server's (first) private NIC, without its prefix length.</summary>
    private async Task<string?> PrivateIpOfAsync(JsonObject server, CancellationToken ct)
    {
        var nic = Nics(server).FirstOrDefault();
        if (nic?.S("id") is not { } nicId) return null;
        var ips = await _api.ListAsync($"{Ipam}/ips?resource_type=instance_private_nic&resource_id={ScwJson.Q(nicId)}", "ips", "page_size", ct);
        return ips.Select(ip => StripPrefix(ip.S("address"))).FirstOrDefault(a => a is not null);
    }

    private static string? StripPrefix(string? cidr) => cidr is null ? null : cidr.Split('/')[0];

    private static ServerInfo ToServer(JsonObject s, string? privateIp)
    {
        var publicIp = s["public_ip"].S("address")
            ?? (s["public_ips"] as JsonArray)?.OfType<JsonObject>().Select(ip => ip.S("address")).FirstOrDefault(a => a is not null);
        var status = s.S("state") switch
        {
            "running" => ServerStatus.Running,
            "starting" => ServerStatus.Starting,
            "stopped" or "stopped in place" or "stopping" => ServerStatus.Stopped,
            _ => ServerStatus.Unknown,
        };
        return new ServerInfo(s.S("id")!, s.S("name")!, status, publicIp, privateIp, s.S("commercial_type") ?? "", s.S("zone") ?? "");
    }

    private static async Task RepeatOnAmbiguousAsync(Func<Task> step, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await step();
                return;
            }
            catch (Exception e) when (IsAmbiguous(e) && attempt < CreateAttempts)
            {
            }
        }
    }
}
