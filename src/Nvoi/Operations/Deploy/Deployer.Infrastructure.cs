using Nvoi.Cloud;
using Nvoi.Credentials;
using Nvoi.Hosts;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

public sealed partial class Deployer
{
    private sealed record Network(NetworkInfo Info, FirewallInfo Firewall);

    /// <summary>
    /// The network and the firewall, at once unless the provider puts the firewall inside the network.
    /// A fresh observation of this run stands in for looking their names up again.
    /// </summary>
    private async Task<Network> EnsureNetworkAsync(CancellationToken ct)
    {
        var cloud = _world.Cloud;
        var observed = FreshObservation;
        var network = _steps.RunAsync("network", null, $"Network {_desired.Names.Network} (10.0.0.0/16)", async () =>
        {
            var found = observed is not null ? observed.Network : await cloud.FindNetworkAsync(_desired.Names.Network, ct);
            // On AWS the subnet, gateway and routes are separate resources: a VPC found without its
            // subnet was half-created, and create finishes it. Other providers keep the subnet inside.
            var complete = found is not null && (found.SubnetId is not null || cloud.Name != "aws");
            if (complete) return new StepOutcome<NetworkInfo>(found!, "exists");
            return new StepOutcome<NetworkInfo>(await cloud.CreateNetworkAsync(_desired.Names.Network, _desired.Location, ct), "created");
        });
        if (_options.Sequential || cloud.FirewallNeedsNetwork) await network;
        var firewall = await _steps.RunAsync("firewall", null, $"Firewall {_desired.Names.Firewall} (inbound TCP 22 only)", async () =>
        {
            var found = observed is not null ? observed.Firewall : await cloud.FindFirewallAsync(_desired.Names.Firewall, ct);
            return found is not null
                ? new StepOutcome<FirewallInfo>(found, "exists")
                : new StepOutcome<FirewallInfo>(await cloud.CreateFirewallAsync(_desired.Names.Firewall, cloud.FirewallNeedsNetwork ? await network : null, ct), "created");
        });
        return new Network(await network, firewall);
    }

    /// <summary>Every server at once: find or create, wait until running, reachable over SSH and done with cloud-init.</summary>
    private async Task<IReadOnlyDictionary<string, ServerInfo>> EnsureServersAsync(Network network, CancellationToken ct)
    {
        var results = await _steps.RunAsync("servers", null, $"Servers ({_desired.Servers.Count})", async () =>
        {
            var all = await AllAsync(_desired.Servers, s => EnsureServerAsync(s, network, ct));
            var created = all.Count(r => r.Created);
            return new StepOutcome<(ServerInfo Info, bool Created)[]>(all, created == 0 ? "all exist" : $"{created} created");
        });
        return results.ToDictionary(r => r.Info.Name, r => r.Info);
    }

    private async Task<(ServerInfo Info, bool Created)> EnsureServerAsync(DesiredServer server, Network network, CancellationToken ct)
    {
        var cloud = _world.Cloud;
        var id = $"server:{server.Name}";
        return await _steps.RunAsync(id, "servers", server.Name, async () =>
        {
            var created = false;
            var found = FreshObservation is { } observed
                ? observed.Servers.GetValueOrDefault(server.Name)
                : await cloud.FindServerAsync(server.Name, ct);
            if (found is null)
            {
                var hostKey = SshKeyGenerator.GenerateEd25519(server.Name);
                // Pin first: a crash after the create must not lose the key the server will present.
                _config.Application.SshKeys!.HostKeys[server.Name] = hostKey.PublicKey;
                if (_options.PinHostKey is not null) await _options.PinHostKey(server.Name, hostKey.PublicKey);
                var userData = CloudInit.Render(_config.Application.SshKeys.PublicKey!, hostKey.PrivateKey, hostKey.PublicKey);
                found = await cloud.CreateServerAsync(new ServerSpec(server.Name, server.ServerType, server.Location, userData,
                    network.Info, network.Firewall, new Dictionary<string, string> { ["nvoi.io/app"] = _desired.Names.App, ["nvoi.io/group"] = server.Group }), ct);
                created = true;
            }
            var running = found.Status == ServerStatus.Running && found.PublicIPv4 is not null
                ? found
                : await cloud.WaitForServerRunningAsync(found.Id, _options.ServerTimeout, ct);
            var host = _world.Host(running);
            await RemoteWaits.WaitForSshAsync(host, _world.Time, _options.SshTimeout, TimeSpan.FromSeconds(5), ct);
            await ServerSetup.WaitForCloudInitAsync(host, ct);
            return new StepOutcome<(ServerInfo, bool)>((running, created), created ? "created" : "exists");
        });
    }

    /// <summary>Each volume on the first server of its group, in parallel: find or create, attach, mount (formatted only when empty).</summary>
    private Task EnsureVolumesAsync(IReadOnlyDictionary<string, ServerInfo> servers, CancellationToken ct)
    {
        if (_desired.Volumes.Count == 0) return Task.CompletedTask;
        return _steps.RunAsync("volumes", null, $"Volumes ({_desired.Volumes.Count})", async () =>
        {
            await AllAsync(_desired.Volumes, v => EnsureVolumeAsync(v, servers[v.ServerName], ct));
            return null;
        });
    }

    private Task EnsureVolumeAsync(DesiredVolume volume, ServerInfo server, CancellationToken ct) =>
        _steps.RunAsync($"volume:{volume.Name}", "volumes", $"{volume.Name} → {volume.ServerName}:{volume.MountPath}", async () =>
        {
            var cloud = _world.Cloud;
            var found = await cloud.FindVolumeAsync(volume.Name, ct)
                ?? await cloud.CreateVolumeAsync(new VolumeSpec(volume.Name, volume.SizeGb, server.Location,
                    new Dictionary<string, string> { ["nvoi.io/app"] = _desired.Names.App }), ct);
            if (found.ServerId != server.Id || found.DevicePath is null)
            {
                if (found.ServerId is not null && found.ServerId != server.Id) await cloud.DetachVolumeAsync(found, ct);
                found = await cloud.AttachVolumeAsync(found, server, ct);
            }
            var mount = await ServerSetup.MountVolumeAsync(_world.Host(server), found.DevicePath!, volume.MountPath, ct);
            return mount.Formatted ? "formatted and mounted" : "mounted";
        });
}
