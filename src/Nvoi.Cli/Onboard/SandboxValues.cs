using Nvoi.Sandbox.Cloudflare;

namespace Nvoi.Cli.Onboard;

/// <summary>
/// Values the emulators accept, offered as the blank answer of credential prompts under
/// <c>--sandbox</c>. A config saved from them only works with <c>--sandbox</c>.
/// </summary>
internal static class SandboxValues
{
    /// <summary>By config key (api_token, access_key_id, secret_key, project_id, …).</summary>
    public static readonly IReadOnlyDictionary<string, string> Compute = new Dictionary<string, string>
    {
        ["api_token"] = "sandbox-hetzner-token",
        ["access_key_id"] = "AKIASANDBOXEXAMPLE01",
        ["secret_access_key"] = "sandbox-aws-secret-access-key",
        ["secret_key"] = "sandbox-scaleway-secret-key",
        ["project_id"] = "7c4b1f4e-5a8a-4c8e-9d6b-2f1e0a9c3d5b",
    };

    public const string CloudflareToken = "sandbox-cloudflare-token";
    public const string CloudflareAccountId = CloudflareEmulator.DefaultAccountId;
}
