using Nvoi.Http;

namespace Nvoi.Dns;

/// <summary>How to reach Cloudflare. The token is a secret: this type never prints it.</summary>
public sealed class CloudflareSettings(string apiToken, string accountId)
{
    /// <summary>Environment variable that overrides the API base URL (sandbox, tests).</summary>
    public const string BaseUrlVariable = "CLOUDFLARE_API_BASE_URL";
    public static readonly Uri DefaultBaseUrl = new("https://api.cloudflare.com/client/v4");

    internal string ApiToken { get; } = apiToken;
    public string AccountId { get; } = accountId;
    /// <summary>Defaults to <see cref="BaseUrlVariable"/> when set, else <see cref="DefaultBaseUrl"/>.</summary>
    public Uri BaseUrl { get; init; } = BaseUrlFromEnvironment();
    /// <summary>Clock of retries and backoff (fake in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public RetryOptions Retry { get; init; } = RetryOptions.Default;
    /// <summary>How many times a create is sent in all, each retry preceded by a look-up of the name.</summary>
    public int CreateAttempts { get; init; } = 5;

    /// <summary>Settings from the config's <c>application.domain_provider.cloudflare</c> block; fails naming a missing field.</summary>
    public static CloudflareSettings FromConfig(Configuration.CloudflareConfig config)
    {
        if (string.IsNullOrWhiteSpace(config.ApiToken)) throw new CloudflareConfigException("api_token");
        if (string.IsNullOrWhiteSpace(config.AccountId)) throw new CloudflareConfigException("account_id");
        return new CloudflareSettings(config.ApiToken.Trim(), config.AccountId.Trim());
    }

    public static Uri BaseUrlFromEnvironment() =>
        Environment.GetEnvironmentVariable(BaseUrlVariable) is { Length: > 0 } url ? new Uri(url) : DefaultBaseUrl;

    public override string ToString() => $"CloudflareSettings(account {AccountId}, {BaseUrl})";
}

/// <summary>The Cloudflare block of the config lacks a field.</summary>
public sealed class CloudflareConfigException(string field)
    : NvoiException($"config: application.domain_provider.cloudflare.{field} is required")
{
    public override int ExitCode => ExitCodes.InvalidInput;
}
