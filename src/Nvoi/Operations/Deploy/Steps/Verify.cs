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

/// <summary>Step "verify": the public URLs answer from the app.</summary>
public sealed partial class Deployer
{
    /// <summary>Each public URL must answer from the app (not the error page) several times in a row.</summary>
    private Task VerifyAsync(CancellationToken ct)
    {
        var hosts = _desired.Hostnames.Where(h => !h.StartsWith('*')).ToList();
        if (hosts.Count == 0) return Task.CompletedTask;
        return _steps.RunAsync("verify", null, "Verify public URLs", async () =>
        {
            await AllAsync(hosts, h => VerifyHostAsync(h, ct));
            return $"{hosts.Count} answering";
        });
    }

    private async Task VerifyHostAsync(string hostname, CancellationToken ct)
    {
        var good = 0;
        UrlCheck last = new(false, "not checked");
        for (var attempt = 1; attempt <= _options.VerifyAttempts; attempt++)
        {
            last = await _world.CheckUrlAsync(hostname, ct);
            good = last.Ok ? good + 1 : 0;
            if (good >= _options.VerifyConsecutive) return;
            await Task.Delay(_options.VerifyInterval, _world.Time, ct);
        }
        throw new UrlCheckFailedException(hostname, last.Detail);
    }
}

/// <summary>A public URL did not answer from the app after the rollout (the deploy's verify step).</summary>
public sealed class UrlCheckFailedException(string hostname, string detail) : NvoiException(
    $"https://{hostname} did not answer from the app: {detail}. The pods run; check `nvoi logs` and the tunnel in Cloudflare.")
{
    public string Hostname => hostname;
}
