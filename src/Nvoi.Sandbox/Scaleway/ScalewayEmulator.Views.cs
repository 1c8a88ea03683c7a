using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Scaleway;

// The JSON shapes the official SDK's unmarshallers read.
public sealed partial class ScalewayEmulator
{
    /// <summary>Moves a starting server to running once its boot time has passed.</summary>
    private void Refresh(ScwServer server)
    {
        if (server.State == "starting" && server.StartingSince is { } since && Now - since >= options.ServerBootTime)
        {
            server.State = "running";
            server.ModifiedAt = Now;
        }
    }

    private JsonObject ServerJson(ScwServer s)
    {
        Refresh(s);
        var image = ScalewayCatalog.Images.FirstOrDefault(i => i.Id == s.ImageId);
        var type = ScalewayCatalog.FindType(s.CommercialType);
        var volumes = new JsonObject
        {
            ["0"] = new JsonObject
            {
                ["id"] = s.RootVolumeId,
                ["name"] = image?.Name ?? "root",
                ["volume_type"] = type?.Volume ?? "l_ssd",
                ["size"] = type?.Volume == "sbs_volume" ? 10_000_000_000L : 20_000_000_000L,
                ["state"] = "available",
                ["boot"] = false,
                ["zone"] = s.Zone,
                ["export_uri"] = null,
                ["organization"] = s.Project,
                ["project"] = s.Project,
                ["server"] = new JsonObject { ["id"] = s.Id, ["name"] = s.Name },
                ["creation_date"] = ScwBody.Iso(s.CreatedAt),
                ["modification_date"] = ScwBody.Iso(s.CreatedAt),
            },
        };
        foreach (var (index, volumeId) in s.SbsVolumes)
        {
            volumes[index] = new JsonObject
            {
                ["id"] = volumeId,
                ["volume_type"] = "sbs_volume",
                ["state"] = "available",
                ["boot"] = false,
                ["zone"] = s.Zone,
            };
        }
        var nics = new JsonArray(_state.PrivateNics.Values.Where(n => n.ServerId == s.Id).OrderBy(n => n.CreatedAt).Select(n => (JsonNode)NicJson(n)).ToArray());
        var sg = s.SecurityGroupId is { } sgId && _state.SecurityGroups.TryGetValue(sgId, out var group)
            ? new JsonObject { ["id"] = group.Id, ["name"] = group.Name }
            : null;
        var publicIp = new JsonObject
        {
            ["id"] = s.PublicIpId,
            ["address"] = s.PublicIp,
            ["gateway"] = "62.210.0.1",
            ["netmask"] = "32",
            ["family"] = "inet",
            ["dynamic"] = false,
            ["provisioning_mode"] = "dhcp",
            ["tags"] = new JsonArray(),
            ["ipam_id"] = s.PublicIpId,
            ["state"] = "attached",
        };
        return new JsonObject
        {
            ["id"] = s.Id,
            ["name"] = s.Name,
            ["organization"] = s.Project,
            ["project"] = s.Project,
            ["allowed_actions"] = AllowedActions(s.State).ToJsonArray(),
            ["tags"] = s.Tags.ToJsonArray(),
            ["commercial_type"] = s.CommercialType,
            ["creation_date"] = ScwBody.Iso(s.CreatedAt),
            ["dynamic_ip_required"] = true,
            ["routed_ip_enabled"] = true,
            ["enable_ipv6"] = false,
            ["hostname"] = s.Name,
            ["image"] = image is null ? null : new JsonObject
            {
                ["id"] = image.Id,
                ["name"] = image.Name,
                ["arch"] = image.Arch,
                ["public"] = true,
                ["state"] = "available",
                ["zone"] = s.Zone,
                ["extra_volumes"] = new JsonObject(),
                ["tags"] = new JsonArray(),
            },
            ["protected"] = false,
            ["private_ip"] = null,
            ["public_ip"] = publicIp,
            ["public_ips"] = new JsonArray(publicIp.DeepClone()),
            ["mac_address"] = s.MacAddress,
            ["modification_date"] = ScwBody.Iso(s.ModifiedAt),
            ["state"] = s.State,
            ["location"] = s.State == "stopped" ? null : new JsonObject
            {
                ["cluster_id"] = "12",
                ["hypervisor_id"] = "801",
                ["node_id"] = "7",
                ["platform_id"] = "14",
                ["zone_id"] = s.Zone,
            },
            ["ipv6"] = null,
            ["boot_type"] = "local",
            ["volumes"] = volumes,
            ["security_group"] = sg,
            ["maintenances"] = new JsonArray(),
            ["state_detail"] = s.State switch { "running" => "booted", "starting" => "provisioning node", _ => "" },
            ["arch"] = s.Arch,
            ["placement_group"] = null,
            ["private_nics"] = nics,
            ["zone"] = s.Zone,
            ["filesystems"] = new JsonArray(),
            ["end_of_service"] = false,
        };
    }

    private static IEnumerable<string> AllowedActions(string state) => state switch
    {
        "running" => ["poweroff", "terminate", "reboot", "stop_in_place", "backup"],
        "starting" => ["poweroff", "terminate"],
        "stopped" => ["poweron", "backup"],
        _ => [],
    };

    private static JsonObject NicJson(ScwPrivateNic n) => new()
    {
        ["id"] = n.Id,
        ["server_id"] = n.ServerId,
        ["private_network_id"] = n.PrivateNetworkId,
        ["mac_address"] = n.MacAddress,
        ["state"] = "available",
        ["tags"] = new JsonArray(),
        ["creation_date"] = ScwBody.Iso(n.CreatedAt),
        ["zone"] = n.Zone,
    };

    private static JsonObject SecurityGroupJson(ScwSecurityGroup g, IEnumerable<ScwServer> servers) => new()
    {
        ["id"] = g.Id,
        ["name"] = g.Name,
        ["description"] = g.Description,
        ["enable_default_security"] = g.EnableDefaultSecurity,
        ["inbound_default_policy"] = g.InboundDefaultPolicy,
        ["outbound_default_policy"] = g.OutboundDefaultPolicy,
        ["organization"] = g.Project,
        ["project"] = g.Project,
        ["tags"] = g.Tags.ToJsonArray(),
        ["organization_default"] = false,
        ["project_default"] = false,
        ["creation_date"] = ScwBody.Iso(g.CreatedAt),
        ["modification_date"] = ScwBody.Iso(g.ModifiedAt),
        ["servers"] = new JsonArray(servers.Where(s => s.SecurityGroupId == g.Id)
            .Select(s => (JsonNode)new JsonObject { ["id"] = s.Id, ["name"] = s.Name }).ToArray()),
        ["stateful"] = g.Stateful,
        ["state"] = "available",
        ["zone"] = g.Zone,
    };

    private static JsonObject RuleJson(ScwRule r, string zone) => new()
    {
        ["id"] = r.Id,
        ["protocol"] = r.Protocol,
        ["direction"] = r.Direction,
        ["action"] = r.Action,
        ["ip_range"] = r.IpRange,
        ["dest_port_from"] = r.DestPortFrom,
        ["dest_port_to"] = r.DestPortTo,
        ["position"] = r.Position,
        ["editable"] = r.Editable,
        ["zone"] = zone,
    };

    private static JsonObject PrivateNetworkJson(ScwPrivateNetwork n) => new()
    {
        ["id"] = n.Id,
        ["name"] = n.Name,
        ["organization_id"] = n.ProjectId,
        ["project_id"] = n.ProjectId,
        ["region"] = n.Region,
        ["tags"] = n.Tags.ToJsonArray(),
        ["created_at"] = ScwBody.Iso(n.CreatedAt),
        ["updated_at"] = ScwBody.Iso(n.UpdatedAt),
        ["subnets"] = new JsonArray(new JsonObject
        {
            ["id"] = n.SubnetId,
            ["created_at"] = ScwBody.Iso(n.CreatedAt),
            ["updated_at"] = ScwBody.Iso(n.UpdatedAt),
            ["subnet"] = n.Subnet,
            ["project_id"] = n.ProjectId,
            ["private_network_id"] = n.Id,
            ["vpc_id"] = n.VpcId,
        }),
        ["vpc_id"] = n.VpcId,
        ["dhcp_enabled"] = true,
        ["default_route_propagation_enabled"] = false,
    };

    private static JsonObject VolumeJson(ScwVolume v) => new()
    {
        ["id"] = v.Id,
        ["name"] = v.Name,
        ["type"] = "sbs_5k",
        ["size"] = v.Size,
        ["project_id"] = v.ProjectId,
        ["created_at"] = ScwBody.Iso(v.CreatedAt),
        ["updated_at"] = ScwBody.Iso(v.UpdatedAt),
        ["references"] = v.ServerId is null ? new JsonArray() : new JsonArray(new JsonObject
        {
            ["id"] = v.ReferenceId,
            ["product_resource_type"] = "instance_server",
            ["product_resource_id"] = v.ServerId,
            ["created_at"] = ScwBody.Iso(v.AttachedAt),
            ["type"] = "exclusive",
            ["status"] = "attached",
        }),
        ["parent_snapshot_id"] = null,
        ["status"] = v.Status,
        ["tags"] = v.Tags.ToJsonArray(),
        ["specs"] = new JsonObject { ["perf_iops"] = v.PerfIops, ["class"] = "sbs" },
        ["last_detached_at"] = ScwBody.Iso(v.LastDetachedAt),
        ["zone"] = v.Zone,
    };

    private JsonObject IpamJson(ScwPrivateNic n)
    {
        var network = _state.PrivateNetworks.GetValueOrDefault(n.PrivateNetworkId);
        var server = _state.Servers.GetValueOrDefault(n.ServerId);
        return new JsonObject
        {
            ["id"] = n.IpamId,
            ["address"] = n.Address,
            ["project_id"] = server?.Project ?? network?.ProjectId,
            ["is_ipv6"] = false,
            ["created_at"] = ScwBody.Iso(n.CreatedAt),
            ["updated_at"] = ScwBody.Iso(n.CreatedAt),
            ["source"] = new JsonObject
            {
                ["private_network_id"] = n.PrivateNetworkId,
                ["subnet_id"] = network?.SubnetId,
                ["vpc_id"] = network?.VpcId,
            },
            ["resource"] = new JsonObject
            {
                ["type"] = "instance_private_nic",
                ["id"] = n.Id,
                ["mac_address"] = n.MacAddress,
                ["name"] = server?.Name,
            },
            ["tags"] = new JsonArray(),
            ["reverses"] = new JsonArray(),
            ["region"] = network?.Region,
            ["zone"] = null,
        };
    }
}
