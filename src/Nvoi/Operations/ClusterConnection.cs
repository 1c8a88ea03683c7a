using Nvoi.Cloud;
using Nvoi.Hosts;
using Nvoi.Operations.Deploy;
using Nvoi.Remote;

namespace Nvoi.Operations;

/// <summary>
/// The cluster's API as every command reaches it: SSH to the master, read its kubeconfig, forward
/// 6443 through the connection, and a Kubernetes client from the world.
/// </summary>
public static class ClusterConnection
{
    /// <summary>Opens the API through <paramref name="masterHost"/>; dispose the result to close the forward.</summary>
    public static async Task<ClusterAccess> OpenAsync(IWorld world, IRemoteHost masterHost, CancellationToken ct)
    {
        var kubeconfig = await ServerSetup.ReadKubeconfigAsync(masterHost, ct);
        var forward = await masterHost.ForwardLocalPortAsync("127.0.0.1", 6443, ct);
        try
        {
            return new ClusterAccess(world.Kubernetes(kubeconfig, forward), forward);
        }
        catch
        {
            await forward.DisposeAsync();
            throw;
        }
    }

    /// <summary>Finds the master by name (it must exist) and opens the API through it.</summary>
    public static async Task<ClusterAccess> OpenAsync(IWorld world, DesiredState desired, CancellationToken ct)
    {
        var master = await FindMasterAsync(world, desired, ct);
        return await OpenAsync(world, world.Host(master), ct);
    }

    /// <summary>The master server, or a clear error when it does not exist (nothing deployed).</summary>
    public static async Task<ServerInfo> FindMasterAsync(IWorld world, DesiredState desired, CancellationToken ct) =>
        await world.Cloud.FindServerAsync(desired.Master.Name, ct)
        ?? throw new NvoiException($"server {desired.Master.Name} does not exist: nothing is deployed for {desired.Names.App} (run `nvoi deploy`)");
}
