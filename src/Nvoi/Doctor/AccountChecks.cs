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
            return DoctorCheck.Fail(name, e.Message,
                $"create a new {providerName} token with read/write access and store it with `nvoi credentials edit`");
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
                "create a Cloudflare API token with Zone:DNS:Edit and Account:Cloudflare Tunnel:Edit, then `nvoi credentials edit`");
        }
    }
}
