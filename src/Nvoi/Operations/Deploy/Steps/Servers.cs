using k8s;
using k8s.Models;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Credentials;
using Nvoi.Dns;
using Nvoi.Hosts;
using Nvoi.Operations.Progress;
using Nvoi.Remote;

namespace Nvoi.Operations.Deploy;

/// <summary>A server the config asks for and no provider has: created with a pinned host key.</summary>
public sealed record CreateServer(DesiredServer Server) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() =>
        [new(PlanActionKind.Create, "server", Server.Name, $"not found ({Server.ServerType} in {Server.Location})")];
}

/// <summary>A server that exists: only waited for (running, SSH, cloud-init).</summary>
public sealed record KeepServer(DesiredServer Server, ServerInfo Live, string Reason) : PlannedChange
{
    public override IEnumerable<PlannedAction> Describe() => [new(PlanActionKind.None, "server", Server.Name, Reason)];
}

/// <summary>Every server of every group: created when not found; a different type is reported, not changed.</summary>
internal static class ServersStep
{
    public static IEnumerable<PlannedChange> Plan(DesiredState desired, LiveState live)
    {
        foreach (var server in desired.Servers)
        {
            if (!live.Servers.TryGetValue(server.Name, out var existing))
                yield return new CreateServer(server);
            else if (!string.Equals(existing.ServerType, server.ServerType, StringComparison.OrdinalIgnoreCase))
                yield return new KeepServer(server, existing, $"exists as {existing.ServerType}; the config asks {server.ServerType} (not changed: resize it at the provider)");
            else
                yield return new KeepServer(server, existing, "exists");
        }
    }
}

/// <summary>Step "servers": every server at once, the plan's creates made (a run killed after one finds it at its plan).</summary>
public sealed partial class Deployer
{
    /// <summary>Every server at once: created when planned, then waited for until running, reachable over SSH and done with cloud-init.</summary>
    private async Task<IReadOnlyDictionary<string, ServerInfo>> EnsureServersAsync(Plan plan, Network network, CancellationToken ct)
    {
        var creates = plan.ChangesOf<CreateServer>().Select(c => c.Server.Name).ToHashSet();
        var kept = plan.ChangesOf<KeepServer>().ToDictionary(k => k.Server.Name, k => k.Live);
        var results = await _steps.RunAsync("servers", null, $"Servers ({_desired.Servers.Count})", async () =>
        {
            var all = await AllAsync(_desired.Servers, s => EnsureServerAsync(s, creates.Contains(s.Name) ? null : kept[s.Name], network, ct));
            var created = all.Count(r => r.Created);
            return new StepOutcome<(ServerInfo Info, bool Created)[]>(all, created == 0 ? "all exist" : $"{created} created");
        });
        return results.ToDictionary(r => r.Info.Name, r => r.Info);
    }

    /// <summary>One server: <paramref name="live"/> as the plan found it, or null when the plan creates it.</summary>
    private async Task<(ServerInfo Info, bool Created)> EnsureServerAsync(DesiredServer server, ServerInfo? live, Network network, CancellationToken ct)
    {
        var cloud = _world.Cloud;
        var id = $"server:{server.Name}";
        return await _steps.RunAsync(id, "servers", server.Name, async () =>
        {
            var created = false;
            // The plan's observation (fresh: a deploy plans again when it is older) is the look-up before the create.
            var found = live;
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
}
