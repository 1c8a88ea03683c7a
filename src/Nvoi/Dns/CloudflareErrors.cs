namespace Nvoi.Dns;

/// <summary>One entry of Cloudflare's <c>errors</c> array.</summary>
public sealed record CloudflareError(int Code, string Message);

/// <summary>Cloudflare answered with <c>success: false</c> or an error status.</summary>
public class CloudflareApiException : NvoiException
{
    /// <summary>HTTP status of the answer (0 when the request never got one).</summary>
    public int StatusCode { get; }
    /// <summary>Cloudflare's first error code (e.g. 81053), if any.</summary>
    public int? Code { get; }
    public IReadOnlyList<CloudflareError> Errors { get; }

    public CloudflareApiException(string message, int statusCode, IReadOnlyList<CloudflareError> errors)
        : base(message)
    {
        StatusCode = statusCode;
        Errors = errors;
        Code = errors.Count > 0 ? errors[0].Code : null;
    }

    internal static string Describe(string what, int status, IReadOnlyList<CloudflareError> errors)
    {
        var detail = errors.Count == 0 ? $"HTTP {status}" : string.Join("; ", errors.Select(e => $"{e.Message} ({e.Code})"));
        return $"cloudflare: {what} failed: {detail}";
    }
}

/// <summary>The token is missing, invalid or expired (HTTP 401, or a 400 about missing credentials).</summary>
public class CloudflareAuthException(string message, int statusCode, IReadOnlyList<CloudflareError> errors)
    : CloudflareApiException(message, statusCode, errors)
{
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>The token is valid but lacks a permission (HTTP 403); <see cref="Permission"/> names it.</summary>
public sealed class CloudflarePermissionException(string permission, string message, int statusCode, IReadOnlyList<CloudflareError> errors)
    : CloudflareAuthException(message, statusCode, errors)
{
    /// <summary>As the Cloudflare dashboard spells it, e.g. "Zone · DNS · Edit".</summary>
    public string Permission { get; } = permission;
}

/// <summary>Permission names as shown when creating an API token in the dashboard.</summary>
public static class CloudflarePermissions
{
    public const string TunnelEdit = "Account · Cloudflare Tunnel · Edit";
    public const string DnsEdit = "Zone · DNS · Edit";
    public const string ZoneRead = "Zone · Zone · Read";
}
