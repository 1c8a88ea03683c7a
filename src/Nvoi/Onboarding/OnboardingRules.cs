using System.Globalization;
using System.Security.Cryptography;
using Nvoi.Configuration;

namespace Nvoi.Onboarding;

/// <summary>
/// Checks of single answers, as the wizard asks them. Each returns null when the answer is fine,
/// else one line saying what is wrong (never echoing a secret).
/// </summary>
public static class OnboardingRules
{
    public static string? AppName(string? value) =>
        string.IsNullOrWhiteSpace(value) ? "the application name is required"
        : ConfigRules.IsDnsLabel(value.Trim()) ? null
        : $"'{value.Trim()}' {ConfigRules.DnsLabelRule}";

    /// <summary>An app service name: a DNS label not used by another app (<paramref name="current"/> is the one being edited).</summary>
    public static string? ServiceName(string? value, IEnumerable<AppAnswer> apps, string? current = null)
    {
        if (string.IsNullOrWhiteSpace(value)) return "the app name is required";
        var name = value.Trim();
        if (!ConfigRules.IsDnsLabel(name)) return $"'{name}' {ConfigRules.DnsLabelRule}";
        return apps.Any(a => a.Name == name && a.Name != current) ? $"an app named '{name}' already exists" : null;
    }

    /// <summary>Blank (a worker) or a port number 1–65535.</summary>
    public static string? Port(string? value) =>
        string.IsNullOrWhiteSpace(value) || ParsePort(value) is not null ? null : "the port must be a number from 1 to 65535, or blank for a background worker";

    public static int? ParsePort(string? value) =>
        int.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && ConfigRules.IsPort(p) ? p : null;

    /// <summary>Blank or "@" (the apex), "*", or lowercase DNS labels joined by dots.</summary>
    public static string? Subdomain(string? value)
    {
        var s = value?.Trim() ?? "";
        if (s is "" or "@" or "*") return null;
        return s.Split('.').All(l => l == "*" || ConfigRules.IsDnsLabel(l)) && !s.StartsWith('.')
            ? null : $"'{s}' is not a subdomain: use lowercase letters, digits and '-' (blank for the domain itself)";
    }

    /// <summary>An env or secret name Kubernetes accepts, not already used by the other kind.</summary>
    public static string? VariableName(string? value, WizardState state, bool secret)
    {
        if (string.IsNullOrWhiteSpace(value)) return "the name is required";
        var key = value.Trim();
        if (!ConfigRules.IsEnvKey(key)) return $"'{key}' is not a valid variable name: use letters, digits, '_', '-' and '.'";
        if (secret && state.Env.ContainsKey(key)) return $"{key} is already a plain variable";
        if (!secret && state.Secrets.ContainsKey(key)) return $"{key} is already a secret";
        return null;
    }

    /// <summary>A volume size in GB, at least <see cref="ConfigRules.MinVolumeSizeGb"/>.</summary>
    public static string? VolumeSize(int size) =>
        size >= ConfigRules.MinVolumeSizeGb && size <= 10_000 ? null : $"the volume size must be between {ConfigRules.MinVolumeSizeGb} and 10000 GB";

    /// <summary>A database name or user: letters, digits and '_', starting with a letter.</summary>
    public static string? DatabaseIdentifier(string? value, string what)
    {
        var s = value?.Trim() ?? "";
        if (s.Length == 0) return $"the {what} is required";
        return s.Length <= 63 && char.IsAsciiLetter(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? null : $"the {what} may hold letters, digits and '_', starting with a letter (at most 63)";
    }

    /// <summary>A strong random password: 32 characters from letters and digits (about 190 bits).</summary>
    public static string GeneratePassword() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);

    /// <summary>The default database name for an app: <c>myapp_production</c> (dashes become underscores).</summary>
    public static string DefaultDatabaseName(string appName) => DefaultDatabaseUser(appName) + "_production";

    /// <summary>The default database user for an app.</summary>
    public static string DefaultDatabaseUser(string appName)
    {
        var s = appName.Replace('-', '_');
        return s.Length > 0 && char.IsAsciiLetter(s[0]) ? s : "app_" + s;
    }
}
