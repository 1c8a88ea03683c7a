using System.Text.RegularExpressions;

namespace Nvoi.Configuration;

/// <summary>
/// <c>--branch X</c>: the application name A becomes <c>A-X</c> and every app subdomain S becomes <c>X-S</c>,
/// so a branch deploy gets its own servers, tunnels and hostnames. An apex app (subdomain absent, "" or "@")
/// gets <c>X</c> (nvoi 0.2.0 produced the invalid <c>X-</c>).
/// </summary>
public static partial class BranchOverride
{
    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex Pattern();

    /// <summary>Throws <see cref="ConfigException"/> (path <c>--branch</c>) unless the branch is a DNS label.</summary>
    public static void ValidateBranch(string? branch)
    {
        if (string.IsNullOrEmpty(branch)) throw new ConfigException("--branch", "--branch value required");
        if (!Pattern().IsMatch(branch))
            throw new ConfigException("--branch", "invalid branch format (lowercase alphanumeric and hyphens only)");
        if (!ConfigRules.IsDnsLabel(branch))
            throw new ConfigException("--branch", $"invalid branch: {ConfigRules.DnsLabelRule}");
    }

    /// <summary>A copy of <paramref name="config"/> with the branch applied; the input is not changed.</summary>
    public static DeployConfig Apply(DeployConfig config, string branch)
    {
        ValidateBranch(branch);
        var copy = ConfigLoader.Load(ConfigWriter.Write(config));
        var app = copy.Application;
        app.Name = $"{app.Name}-{branch}";
        foreach (var (name, svc) in app.App)
        {
            if (svc.Subdomain == "*")
                throw new ConfigException($"application.app.{name}.subdomain",
                    $"a wildcard subdomain ('*') cannot be deployed with --branch {branch}");
            svc.Subdomain = Names.IsApex(svc.Subdomain) ? branch : $"{branch}-{svc.Subdomain}";
        }
        return copy;
    }
}
