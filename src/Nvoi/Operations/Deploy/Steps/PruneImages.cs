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

/// <summary>Step "prune-images": the newest images are kept.</summary>
public sealed partial class Deployer
{
    private Task PruneImagesAsync(IKubernetes client, IRemoteHost master, string image, CancellationToken ct) =>
        _steps.RunAsync("prune-images", null, $"Keep the {_config.Application.KeepCountValue} newest images", async () =>
        {
            // The running image and the one a rollback would go back to are never removed.
            var previous = Rollback.KeptImages.PreviousTag(await DeployHistory.ReadAsync(client, ct), DeployHistory.TagOf(image));
            var keep = new[] { image, previous is null ? "" : _desired.Names.ClusterImage(previous) }.Where(i => i.Length > 0).ToList();
            var removed = await ServerSetup.PruneImagesAsync(master, $"localhost:{Names.RegistryPort}/{_desired.Names.Prefix}", _config.Application.KeepCountValue, ct, keep);
            return removed.Count == 0 ? "nothing to remove" : $"{removed.Count} removed";
        });
}
