using Nvoi.Configuration;

namespace Nvoi.Onboarding;

/// <summary>The compute providers the wizard offers.</summary>
public enum ComputeProviderKind { Hetzner, Aws, Scaleway }

/// <summary>One value the wizard asks for to reach a provider (a token, a key, a project).</summary>
/// <param name="Key">The config key (api_token, access_key_id, …).</param>
/// <param name="Label">The prompt text.</param>
/// <param name="Secret">Masked while typed and never shown again.</param>
public sealed record CredentialField(string Key, string Label, bool Secret);

/// <summary>
/// What the wizard knows about a compute provider: how to name it, what to ask for, where to
/// check the credentials, and how its answers become the config's <c>compute_provider</c> block.
/// </summary>
public sealed record ComputeProviderInfo(
    ComputeProviderKind Kind,
    string Key,
    string DisplayName,
    string LocationWord,
    string TypeWord,
    IReadOnlyList<CredentialField> Fields,
    string ProbeLocation)
{
    public static readonly ComputeProviderInfo Hetzner = new(ComputeProviderKind.Hetzner, "hetzner", "Hetzner Cloud", "location", "server type",
        [new("api_token", "Hetzner API token", Secret: true)], "fsn1");

    public static readonly ComputeProviderInfo Aws = new(ComputeProviderKind.Aws, "aws", "AWS EC2", "region", "instance type",
        [new("access_key_id", "AWS access key ID", Secret: true), new("secret_access_key", "AWS secret access key", Secret: true)], "us-east-1");

    public static readonly ComputeProviderInfo Scaleway = new(ComputeProviderKind.Scaleway, "scaleway", "Scaleway", "zone", "server type",
        [new("secret_key", "Scaleway secret key", Secret: true), new("project_id", "Scaleway project ID", Secret: false)], ScalewayConfig.DefaultZone);

    /// <summary>In the order the wizard lists them.</summary>
    public static readonly IReadOnlyList<ComputeProviderInfo> All = [Hetzner, Aws, Scaleway];

    public static ComputeProviderInfo Of(ComputeProviderKind kind) => All.Single(p => p.Kind == kind);

    /// <summary>The config block for these answers.</summary>
    public ComputeProvider ToConfig(IReadOnlyDictionary<string, string> credentials, string location, string serverType)
    {
        string C(string key) => credentials.TryGetValue(key, out var v) ? v : throw new ArgumentException($"missing credential {key}");
        return Kind switch
        {
            ComputeProviderKind.Hetzner => new ComputeProvider { Hetzner = new HetznerConfig { ApiToken = C("api_token"), ServerType = serverType, ServerLocation = location } },
            ComputeProviderKind.Aws => new ComputeProvider { Aws = new AwsConfig { AccessKeyId = C("access_key_id"), SecretAccessKey = C("secret_access_key"), Region = location, InstanceType = serverType } },
            _ => new ComputeProvider { Scaleway = new ScalewayConfig { SecretKey = C("secret_key"), ProjectId = C("project_id"), ServerType = serverType, Zone = location } },
        };
    }
}
