using k8s;
using Nvoi.Build;
using Nvoi.Cloud;
using Nvoi.Cloud.Aws;
using Nvoi.Cloud.Hetzner;
using Nvoi.Cloud.Scaleway;
using Nvoi.Cluster;
using Nvoi.Configuration;
using Nvoi.Dns;
using Nvoi.Remote;

namespace Nvoi.Operations;

/// <summary>The world as it is: provider APIs, SSH to the servers, Docker, and HTTPS to the public URLs.</summary>
public sealed class RealWorld : IWorld
{
    private readonly RemoteSessions _sessions;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public bool IsSandbox => false;
    public TimeProvider Time { get; }
    public ICloudProvider Cloud { get; }
    public ICloudflare Cloudflare { get; }
    public IImageBuilder ImageBuilder { get; } = new DockerImageBuilder();

    /// <param name="config">The config; its ssh_keys.host_keys map is where pins are read and recorded.</param>
    /// <param name="onHostKeyRecorded">Called when a first contact pins a host key (to save deploy.enc).</param>
    public RealWorld(DeployConfig config, TimeProvider time, IReadOnlySet<string>? retrustHostKeys = null, Action<string, string>? onHostKeyRecorded = null)
    {
        Time = time;
        Cloud = CreateProvider(config.Application.ComputeProvider!, time);
        var cf = config.Application.DomainProvider!.Cloudflare!;
        Cloudflare = new CloudflareClient(new CloudflareSettings(cf.ApiToken!, cf.AccountId!) { Time = time });
        var keys = config.Application.SshKeys!;
        var store = new SshKeysHostKeyStore(keys);
        if (onHostKeyRecorded is not null) store.Recorded += (server, key) => onHostKeyRecorded(server, key);
        _sessions = new RemoteSessions(new SshSessionOptions
        {
            PrivateKey = keys.PrivateKey!,
            HostKeys = store,
            RetrustHostKeys = retrustHostKeys ?? new HashSet<string>(),
        });
    }

    public static ICloudProvider CreateProvider(ComputeProvider provider, TimeProvider time) => provider switch
    {
        { Hetzner: { } h } => HetznerCloudProvider.Create(h.ApiToken!, time),
        { Scaleway: { } s } => ScalewayProvider.Create(s.SecretKey!, s.ProjectId!, s.ZoneValue, time),
        { Aws: { } a } => new AwsProvider(a.AccessKeyId!, a.SecretAccessKey!, a.Region!, time: time),
        _ => throw new NvoiException("no compute provider is configured"),
    };

    public IRemoteHost Host(ServerInfo server) =>
        _sessions.Get(new SshEndpoint(server.Name, server.PublicIPv4 ?? throw new NvoiException($"server {server.Name} has no public IPv4 address")));

    public IKubernetes Kubernetes(string kubeconfig, IPortForward apiForward) =>
        KubeClientFactory.FromK3sKubeconfig(kubeconfig, apiForward.LocalPort);

    public async Task<UrlCheck> CheckUrlAsync(string hostname, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync($"https://{hostname}/", ct);
            if (response.Headers.Contains("X-Nvoi-Error"))
                return new UrlCheck(false, $"the error page answered ({(int)response.StatusCode})");
            var status = (int)response.StatusCode;
            return status < 500 ? new UrlCheck(true, status.ToString()) : new UrlCheck(false, $"HTTP {status}");
        }
        catch (HttpRequestException e)
        {
            return new UrlCheck(false, e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new UrlCheck(false, "timed out");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sessions.DisposeAsync();
        (Cloud as IDisposable)?.Dispose();
        (Cloudflare as IDisposable)?.Dispose();
        _http.Dispose();
    }
}
