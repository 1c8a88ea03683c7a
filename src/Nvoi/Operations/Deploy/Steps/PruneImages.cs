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
    private Task PruneImagesAsync(IRemoteHost master, CancellationToken ct) =>
        _steps.RunAsync("prune-images", null, $"Keep the {_config.Application.KeepCountValue} newest images", async () =>
        {
            var removed = await ServerSetup.PruneImagesAsync(master, $"localhost:{Names.RegistryPort}/{_desired.Names.Prefix}", _config.Application.KeepCountValue, ct);
            return removed.Count == 0 ? "nothing to remove" : $"{removed.Count} removed";
        });
}
