using Nvoi.Cloud;
using Nvoi.Dns;

namespace Nvoi.Onboarding;

/// <summary>
/// Where the wizard gets its API clients: the real APIs, or the emulators (tests, <c>--sandbox</c>).
/// Callers dispose what they get.
/// </summary>
public interface IOnboardingClients
{
    /// <summary>True when the provider's adapter is in this build.</summary>
    bool Supports(ComputeProviderKind kind);

    /// <summary>A compute client for these credentials working in <paramref name="location"/>.</summary>
    /// <exception cref="NvoiException">The provider's adapter is not in this build.</exception>
    ICloudProvider CreateCompute(ComputeProviderKind kind, IReadOnlyDictionary<string, string> credentials, string location);

    ICloudflare CreateCloudflare(string apiToken, string accountId);
}
