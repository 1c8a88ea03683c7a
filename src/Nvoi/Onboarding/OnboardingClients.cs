using Nvoi.Cloud;
using Nvoi.Cloud.Hetzner;
using Nvoi.Cloud.Scaleway;
using Nvoi.Dns;

namespace Nvoi.Onboarding;

/// <summary>API base URLs; null means the real API (or its usual environment override).</summary>
public sealed record OnboardingEndpoints(Uri? Hetzner = null, Uri? Scaleway = null, Uri? Aws = null, Uri? Cloudflare = null)
{
    /// <summary>The real APIs.</summary>
    public static readonly OnboardingEndpoints Default = new();
}

/// <summary>Builds one compute adapter from the wizard's answers.</summary>
public delegate ICloudProvider ComputeFactory(IReadOnlyDictionary<string, string> credentials, string location, Uri? endpoint, TimeProvider time);

/// <summary>
/// The real <see cref="IOnboardingClients"/>: each provider's adapter at the given endpoints.
/// A provider plugs in with one line in <see cref="Factories"/>.
/// </summary>
public sealed class OnboardingClients(OnboardingEndpoints endpoints, TimeProvider? time = null) : IOnboardingClients
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The compute adapters in this build, by provider.</summary>
    public static readonly IReadOnlyDictionary<ComputeProviderKind, ComputeFactory> Factories = new Dictionary<ComputeProviderKind, ComputeFactory>
    {
        [ComputeProviderKind.Hetzner] = (c, _, url, t) => new HetznerCloudProvider(url ?? HetznerCloudProvider.EndpointFromEnvironment(), c["api_token"], new SocketsHttpHandler(), t),
        [ComputeProviderKind.Scaleway] = (c, loc, url, t) => new ScalewayProvider(url ?? ScalewayProvider.ApiUrl(Environment.GetEnvironmentVariable("SCW_API_URL")), c["secret_key"], c["project_id"], loc, new SocketsHttpHandler(), t),
        [ComputeProviderKind.Aws] = (c, loc, url, t) => new Cloud.Aws.AwsProvider(c["access_key_id"], c["secret_access_key"], loc, url, t),
    };

    public bool Supports(ComputeProviderKind kind) => Factories.ContainsKey(kind);

    public ICloudProvider CreateCompute(ComputeProviderKind kind, IReadOnlyDictionary<string, string> credentials, string location)
    {
        if (!Factories.TryGetValue(kind, out var factory))
            throw new NvoiException($"{ComputeProviderInfo.Of(kind).DisplayName} is not available in this build yet; choose another provider or use `nvoi config provider set` later");
        var endpoint = kind switch
        {
            ComputeProviderKind.Hetzner => endpoints.Hetzner,
            ComputeProviderKind.Scaleway => endpoints.Scaleway,
            _ => endpoints.Aws,
        };
        return factory(credentials, location, endpoint, _time);
    }

    public ICloudflare CreateCloudflare(string apiToken, string accountId)
    {
        var settings = new CloudflareSettings(apiToken, accountId) { Time = _time };
        if (endpoints.Cloudflare is { } url) settings = new CloudflareSettings(apiToken, accountId) { Time = _time, BaseUrl = url };
        return new CloudflareClient(settings);
    }
}
