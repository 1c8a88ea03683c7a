using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Nvoi.Configuration;

namespace Nvoi.Cluster;

/// <summary>
/// Builds the typed Kubernetes objects of one app from its config. Pure: same inputs, same objects.
/// No secret value ever lands in a pod spec: containers read them through secretKeyRef / envFrom.
/// </summary>
public static partial class ManifestBuilder
{
    internal const string ServiceEnvKeyPrefix = "svc.";

    /// <summary>All objects of the app, grouped in apply order.</summary>
    public static ClusterManifests Build(ManifestInputs inputs)
    {
        var config = inputs.Config;
        if (string.IsNullOrEmpty(config.Name)) throw new NvoiException("application.name is missing");
        var names = new Names(config.Name);
        var result = new ClusterManifests();

        var secret = AppSecret(names, inputs.AppEnv, config.App);
        result.Secrets.Add(secret);
        var envHash = Hash(secret.Data.ToDictionary(p => p.Key, p => System.Text.Encoding.UTF8.GetString(p.Value)));

        if (inputs.IncludeRegistry) { result.Platform.Add(RegistryDeployment(names, config)); result.Platform.Add(RegistryService(names)); }
        if (inputs.IncludeErrorPages) result.Platform.AddRange(ErrorPages(names));

        if (config.Database is { } db && string.IsNullOrEmpty(db.Url)
            && (DatabaseKind(db) ?? throw new NvoiException($"application.database.adapter '{db.Adapter}' is not postgres, mysql or sqlite3")) is var kind
            && kind != "sqlite")
        {
            result.Secrets.Add(DatabaseSecret(names, db));
            result.Database.Add(DatabaseStatefulSet(names, db, kind));
            result.Database.Add(DatabaseService(names, kind));
        }

        foreach (var (name, svc) in config.Services)
        {
            if (string.IsNullOrWhiteSpace(svc.Image)) throw new NvoiException($"application.services.{name}.image is missing");
            result.Secrets.Add(ExtraSecret(names, name, svc));
            result.Extras.Add(ExtraDeployment(names, name, svc));
            if (svc.Port is > 0) result.Extras.Add(ExtraServiceObject(names, name, svc));
        }

        foreach (var (name, app) in config.App)
        {
            var mounts = AppMounts(names, config, name, app);
            if (!string.IsNullOrWhiteSpace(app.PreRunCommand))
                result.PreRunJobs.Add(PreRunJob(names, name, app, inputs.AppEnv.Keys, inputs.Image, mounts, envHash));
            result.Apps.Add(AppDeployment(names, name, app, inputs.AppEnv.Keys, inputs.Image, mounts, envHash));
            foreach (var (cron, c) in app.Crons)
                result.CronJobs.Add(AppCronJob(names, name, app, cron, c, inputs.AppEnv.Keys, inputs.Image, mounts, envHash));
            if (app.IsWeb)
            {
                result.Apps.Add(AppServiceObject(names, name, app.Port!.Value));
                if (!string.IsNullOrEmpty(app.Domain)) result.Apps.Add(AppIngress(names, name, app, inputs.IncludeErrorPages));
            }
            if (inputs.TunnelTokens.TryGetValue(name, out var token))
            {
                result.Secrets.Add(TunnelSecret(names, name, token));
                result.Tunnels.Add(Cloudflared(names, name));
            }
        }
        return result;
    }

    /// <summary>postgres, mysql or sqlite; null when the adapter is unknown.</summary>
    public static string? DatabaseKind(Database db) => db.Adapter?.ToLowerInvariant() switch
    {
        "postgres" or "postgresql" => "postgres",
        "mysql" or "mysql2" => "mysql",
        "sqlite" or "sqlite3" => "sqlite",
        _ => null,
    };

    /// <summary>The app Secret: the shared env, plus each service's own env under <c>svc.S.KEY</c>.</summary>
    public static V1Secret AppSecret(Names names, IReadOnlyDictionary<string, string> env, IReadOnlyDictionary<string, AppService> apps)
    {
        var data = new Dictionary<string, string>(env);
        foreach (var (service, app) in apps)
            foreach (var (key, value) in app.Env) data[ServiceEnvKey(service, key)] = value;
        return Secret(names, names.AppSecret, data);
    }

    internal static string ServiceEnvKey(string service, string key) => $"{ServiceEnvKeyPrefix}{service}.{key}";

    internal static V1Secret Secret(Names names, string name, IDictionary<string, string> data) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = ClusterLabels.Meta(names.App, name),
        Type = "Opaque",
        // data, not stringData: the API stores only data, so server-side apply of data converges cleanly.
        Data = new SortedDictionary<string, byte[]>(data.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)), StringComparer.Ordinal),
    };

    /// <summary>A fingerprint of the env (not reversible in practice) so a changed Secret rolls the pods.</summary>
    internal static string Hash(IDictionary<string, string> data)
    {
        var text = new StringBuilder();
        foreach (var (k, v) in data.OrderBy(p => p.Key, StringComparer.Ordinal)) text.Append(k).Append('\0').Append(v).Append('\0');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    internal static V1Affinity? Affinity(IReadOnlyCollection<string> groups) => groups.Count == 0 ? null : new V1Affinity
    {
        NodeAffinity = new V1NodeAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
            {
                NodeSelectorTerms =
                [
                    new V1NodeSelectorTerm
                    {
                        MatchExpressions = [new V1NodeSelectorRequirement { Key = Names.NodeLabel, OperatorProperty = "In", Values = groups.ToList() }],
                    },
                ],
            },
        },
    };

    internal static IList<string>? SplitCommand(string? command) =>
        string.IsNullOrWhiteSpace(command) ? null : command.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    internal static V1Volume HostPathVolume(string name, string path) =>
        new() { Name = name, HostPath = new V1HostPathVolumeSource { Path = path, Type = "DirectoryOrCreate" } };

    /// <summary>
    /// An app container's requests and limits: <c>resources</c> from the config over the defaults (as 0.2.0:
    /// requests 100m/128Mi, limits 500m/512Mi), each quantity as written.
    /// </summary>
    internal static V1ResourceRequirements AppResources(Resources? resources)
    {
        Dictionary<string, ResourceQuantity> Amounts(ResourceAmounts? given, ResourceAmounts fallback) => new()
        {
            ["cpu"] = new(given?.Cpu ?? fallback.Cpu),
            ["memory"] = new(given?.Memory ?? fallback.Memory),
        };
        return new V1ResourceRequirements
        {
            Requests = Amounts(resources?.Requests, ConfigRules.DefaultRequests),
            Limits = Amounts(resources?.Limits, ConfigRules.DefaultLimits),
        };
    }
}
