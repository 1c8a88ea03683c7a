using k8s;
using k8s.Autorest;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Operations.Deploy;

namespace Nvoi.Operations;

/// <summary>
/// `nvoi run APP -- CMD…`: the command in a one-off pod made from the app service's running Deployment (its image, env
/// and secrets), output streamed, the container's exit code returned; the pod is deleted afterwards (see <see cref="OneOffPod"/>).
/// </summary>
public static class AppRun
{
    /// <summary>
    /// Runs <paramref name="argv"/> for <paramref name="app"/>; with <paramref name="stdin"/>, the command reads it (attach),
    /// else it has no input and its log is streamed.
    /// </summary>
    public static async Task<int> RunAsync(DeployConfig config, IWorld world, string app, IReadOnlyList<string> argv, Stream? stdin,
        CommandOutput output, CancellationToken ct)
    {
        if (argv.Count == 0) throw new NvoiException("no command given: put it after --, e.g. nvoi run web -- bin/rails db:migrate:status");
        AppLogs.PodLabel(config, app); // an unknown app fails before anything is reached
        var names = new Names(config.Application.Name!);
        await using var cluster = await ClusterConnection.OpenAsync(world, new DesiredState(config), ct);
        k8s.Models.V1Deployment deployment;
        try
        {
            deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(names.AppDeployment(app), ClusterLabels.Namespace, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new NvoiException($"app {app} is not deployed (no Deployment {names.AppDeployment(app)}): run `nvoi deploy` first");
        }
        var pod = OneOffPod.FromDeployment(deployment, names.App, app, argv, stdin is not null);
        return await new OneOffPod(cluster.Client, world.Time).RunAsync(pod, stdin, output, ct);
    }
}
