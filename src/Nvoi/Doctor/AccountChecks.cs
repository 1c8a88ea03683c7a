using Nvoi.Cloud;
using Nvoi.Dns;

namespace Nvoi.Doctor;

/// <summary>Checks of the accounts in the config: the compute provider's token and Cloudflare's token.</summary>
public static class AccountChecks
{
    /// <summary>The provider accepts its credentials (<see cref="ICloudProvider.ValidateCredentialsAsync"/>).</summary>
    public static async Task<DoctorCheck> ProviderAsync(string providerName, ICloudProvider cloud, CancellationToken ct)
    {
        var name = $"{providerName} credentials";
        try
        {
            await cloud.ValidateCredentialsAsync(ct).ConfigureAwait(false);
            return DoctorCheck.Ok(name, $"{providerName} accepts the credentials");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return DoctorCheck.Fail(name, e.Message, $"{NewCredentials(providerName)}, then store it with `nvoi credentials edit`");
        }
    }

    /// <summary>The Cloudflare token is active and reaches the account (<see cref="ICloudflare.VerifyAccessAsync"/>).</summary>
    public static async Task<DoctorCheck> CloudflareAsync(ICloudflare cloudflare, CancellationToken ct)
    {
        const string name = "cloudflare token";
        try
        {
            await cloudflare.VerifyAccessAsync(ct).ConfigureAwait(false);
            return DoctorCheck.Ok(name, "the token is active and reaches the account");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return DoctorCheck.Fail(name, e.Message,
                "create a Cloudflare API token with Zone · Zone · Read, Zone · DNS · Edit and Account · Cloudflare Tunnel · Edit, then store it with `nvoi credentials edit`");
        }
    }

    private static string NewCredentials(string providerName) => providerName switch
    {
        "hetzner" => "create an API token with Read & Write permission in the Hetzner Cloud console (project → Security → API tokens)",
        "aws" => "create an access key for an IAM user allowed to manage EC2 (aws_access_key_id and aws_secret_access_key)",
        "scaleway" => "create an API key for the project in the Scaleway console (IAM → API keys)",
        _ => $"create new {providerName} credentials",
    };
}
