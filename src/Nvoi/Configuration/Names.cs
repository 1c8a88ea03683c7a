using System.Security.Cryptography;
using System.Text;

namespace Nvoi.Configuration;

/// <summary>
/// Every resource name nvoi derives from the application name (reference §3).
/// These names are how a deployment is found again, by us and by nvoi 0.2.0:
/// changing one orphans a running deployment.
/// </summary>
public sealed class Names
{
    public const int MaxDnsLabel = 63;
    public const int RegistryPort = 30500;
    public const string RegistryName = "nvoi-registry";
    public const string VolumesRoot = "/opt/nvoi/volumes";
    public const string NodeLabel = "nvoi.io/server-name";

    /// <summary>The application name after any branch override (A).</summary>
    public string App { get; }

    /// <summary>The container prefix (P): <c>nvoi-A</c>, cut to 63 characters.</summary>
    public string Prefix { get; }

    public Names(string appName)
    {
        ArgumentException.ThrowIfNullOrEmpty(appName);
        App = appName;
        Prefix = ContainerPrefix(appName);
    }

    public static string ContainerPrefix(string appName)
    {
        var prefix = "nvoi-" + appName;
        if (prefix.Length <= MaxDnsLabel) return prefix;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix)))[..8];
        return prefix[..(MaxDnsLabel - hash.Length - 1)] + "-" + hash;
    }

    public string Server(string group, int index) => $"{App}-{group}-{index}";
    public string Firewall => $"{Prefix}-firewall";
    public string Network => $"{Prefix}-network";

    public string ServerVolume(string group, string volume) => $"{App}-{group}-{volume}";
    public string ServerVolumeHostPath(string group, string volume) => $"{VolumesRoot}/{ServerVolume(group, volume)}";

    public string AppDeployment(string service) => $"{App}-{service}";
    public string AppService(string service) => $"{App}-{service}";
    public string AppIngress(string service) => $"{App}-{service}";
    public string AppPodLabel(string service) => AppDeployment(service);
    public string AppSecret => $"app-secret-{App}";

    public string Database => $"db-{App}";
    public string DatabasePod => $"db-{App}-0";
    public string DatabaseSecret => $"db-secret-{App}";
    public string DatabasePvc => $"data-db-{App}-0";

    public string ExtraService(string service) => $"{App}-{service}";

    /// <summary>The CronJob of cron <paramref name="cron"/> (names are unique in the application); also its pods' <c>app</c> label.</summary>
    public string CronJob(string cron) => $"{App}-cron-{cron}";

    /// <summary>Where the in-cluster registry keeps its images on the master (survives a registry restart).</summary>
    public const string RegistryHostPath = "/opt/nvoi/registry";

    public string Tunnel(string service) => $"{Prefix}-{service}";
    public string Cloudflared(string service) => $"cloudflared-{service}";

    public string Image(string timestamp) => $"{Prefix}:{timestamp}";
    public string LatestImage => $"{Prefix}:latest";
    public string ClusterImage(string timestamp) => $"localhost:{RegistryPort}/{Prefix}:{timestamp}";

    public string DeployLockPath => $"/tmp/nvoi-deploy-{Prefix}.lock";
    public string DbBranchesDir => $"/mnt/db-branches/{App}";

    /// <summary><c>sub.domain</c>, or the domain itself for "" and "@".</summary>
    public static string Hostname(string? subdomain, string domain) =>
        IsApex(subdomain) ? domain : $"{subdomain}.{domain}";

    /// <summary>The apex gives the domain and its wildcard; a subdomain gives one name.</summary>
    public static IReadOnlyList<string> Hostnames(string? subdomain, string domain) =>
        IsApex(subdomain) ? [domain, $"*.{domain}"] : [$"{subdomain}.{domain}"];

    public static bool IsApex(string? subdomain) => string.IsNullOrEmpty(subdomain) || subdomain == "@";
}
