namespace Nvoi.Configuration;

/// <summary>
/// Checks a loaded config before anything is touched (reference §2) and reports ALL problems together,
/// each with its YAML path. Wording follows nvoi 0.2.0 where it had a message.
/// </summary>
public static class ConfigValidator
{
    /// <summary>Every problem found; empty when the config is valid. <paramref name="source"/> adds line numbers.</summary>
    public static IReadOnlyList<ConfigError> Validate(DeployConfig config, LoadedConfig? source = null)
    {
        var v = new Run(source);
        v.Check(config.Application);
        return v.Errors;
    }

    /// <summary>Throws <see cref="ConfigException"/> listing every problem, if there is any.</summary>
    public static void EnsureValid(DeployConfig config, LoadedConfig? source = null)
    {
        var errors = Validate(config, source);
        if (errors.Count > 0) throw new ConfigException(errors);
    }

    private sealed class Run(LoadedConfig? source)
    {
        public List<ConfigError> Errors { get; } = [];
        private const string A = "application";

        private void Add(string path, string message)
        {
            int? line = null;
            for (var p = path; line is null && p.Length > 0; p = Parent(p)) line = source?.LineOf(p);
            Errors.Add(new ConfigError(path, message) { Line = line });
        }

        private static string Parent(string path)
        {
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            return cut < 0 ? "" : path[..cut];
        }

        public void Check(Application app)
        {
            if (string.IsNullOrWhiteSpace(app.Name)) Add($"{A}.name", "is required");
            else if (!ConfigRules.IsDnsLabel(app.Name)) Add($"{A}.name", $"{ConfigRules.DnsLabelRule}, got '{app.Name}'");
            if (string.IsNullOrWhiteSpace(app.Environment)) Add($"{A}.environment", "is required");

            Providers(app);
            DerivedNames(app);
            Servers(app);
            Apps(app);
            Database(app);
            Services(app);
            EnvMaps(app);
            SshKeys(app.SshKeys);
            K3sInstaller(app.K3s?.Installer);
        }

        private void K3sInstaller(K3sInstallerConfig? installer)
        {
            if (installer is null) return;
            var p = $"{A}.k3s.installer";
            Required(installer.Path, $"{p}.path", "is required: the k3s installer file (a saved copy of https://get.k3s.io)");
            if (string.IsNullOrWhiteSpace(installer.Sha256)) Add($"{p}.sha256", "is required: the installer's SHA-256 (sha256sum FILE)");
            else if (!ConfigRules.IsSha256(installer.Sha256)) Add($"{p}.sha256", $"must be 64 hex digits (sha256sum FILE), got '{installer.Sha256}'");
        }

        // Servers, volumes and Kubernetes objects are named A-G-N, A-G-V and A-S (reference §3);
        // each must stay a DNS label, so long names are refused here rather than by an API mid-deploy.
        private void DerivedNames(Application app)
        {
            if (!ConfigRules.IsDnsLabel(app.Name)) return;
            var names = new Names(app.Name!);
            void Check(string path, string derived, int limit = Names.MaxDnsLabel, string? why = null)
            {
                if (derived.Length > limit)
                    Add(path, $"resource name '{derived}' would be longer than {limit} characters{(why is null ? "" : $" ({why})")}; shorten the names");
            }
            // The network and the firewall carry the container prefix: Hetzner and Scaleway names are
            // at most 63 characters, AWS Name tags and security group names at most 255.
            var (provider, limit) = app.ComputeProvider switch
            {
                { Aws: not null } => ("aws", 255),
                { Scaleway: not null } => ("scaleway", Names.MaxDnsLabel),
                _ => ("hetzner", Names.MaxDnsLabel),
            };
            Check($"{A}.name", names.Network, limit, $"the {provider} network name");
            Check($"{A}.name", names.Firewall, limit, $"the {provider} firewall name");
            // A StatefulSet's pods carry controller-revision-hash = NAME-<10 characters>, a label value (63).
            if (app.Database is { } db && string.IsNullOrEmpty(db.Url) && db.Adapter?.ToLowerInvariant() is not ("sqlite" or "sqlite3"))
                Check($"{A}.name", names.Database, Names.MaxDnsLabel - 11, "the database StatefulSet, whose revision label adds 11");
            foreach (var (group, g) in app.Servers)
            {
                Check($"{A}.servers.{group}", names.Server(group, Math.Max(1, g.CountValue)));
                foreach (var volume in g.Volumes.Keys) Check($"{A}.servers.{group}.volumes.{volume}", names.ServerVolume(group, volume));
            }
            foreach (var service in app.App.Keys) Check($"{A}.app.{service}", names.AppDeployment(service));
            foreach (var (service, svc) in app.App)
                foreach (var cron in svc.Crons.Keys.Where(ConfigRules.IsDnsLabel))
                {
                    var derived = names.CronJob(cron);
                    if (derived.Length > ConfigRules.MaxCronJobName)
                        Add($"{A}.app.{service}.crons.{cron}", $"CronJob name '{derived}' would be longer than {ConfigRules.MaxCronJobName} characters (its Jobs add 11); shorten the names");
                    if (app.App.Keys.Any(s => names.AppDeployment(s) == derived) || app.Services.Keys.Any(s => names.ExtraService(s) == derived))
                        Add($"{A}.app.{service}.crons.{cron}", $"the cron's pods would be labelled app={derived}, as a service's; rename the cron");
                }
            foreach (var service in app.Services.Keys) Check($"{A}.services.{service}", names.ExtraService(service));
        }

        private void Providers(Application app)
        {
            var cf = app.DomainProvider?.Cloudflare;
            if (cf is null) Add($"{A}.domain_provider", "domain provider required: currently only cloudflare is supported");
            else
            {
                Required(cf.ApiToken, $"{A}.domain_provider.cloudflare.api_token", "cloudflare api_token is required");
                Required(cf.AccountId, $"{A}.domain_provider.cloudflare.account_id", "cloudflare account_id is required");
            }

            var cp = app.ComputeProvider;
            var p = $"{A}.compute_provider";
            var configured = new List<string>();
            if (cp?.Hetzner is { } h)
            {
                configured.Add("hetzner");
                Required(h.ApiToken, $"{p}.hetzner.api_token", "hetzner api_token is required");
                Required(h.ServerType, $"{p}.hetzner.server_type", "hetzner server_type is required");
                Required(h.ServerLocation, $"{p}.hetzner.server_location", "hetzner server_location is required");
            }
            if (cp?.Aws is { } a)
            {
                configured.Add("aws");
                Required(a.AccessKeyId, $"{p}.aws.access_key_id", "aws access_key_id is required");
                Required(a.SecretAccessKey, $"{p}.aws.secret_access_key", "aws secret_access_key is required");
                Required(a.Region, $"{p}.aws.region", "aws region is required");
                Required(a.InstanceType, $"{p}.aws.instance_type", "aws instance_type is required");
            }
            if (cp?.Scaleway is { } s)
            {
                configured.Add("scaleway");
                Required(s.SecretKey, $"{p}.scaleway.secret_key", "scaleway secret_key is required");
                Required(s.ProjectId, $"{p}.scaleway.project_id", "scaleway project_id is required");
                Required(s.ServerType, $"{p}.scaleway.server_type", "scaleway server_type is required");
            }
            if (configured.Count == 0) Add(p, "compute provider required: hetzner, aws, or scaleway must be configured");
            else if (configured.Count > 1) Add(p, $"exactly one compute provider may be configured, found {string.Join(", ", configured)}");
        }

        private void Servers(Application app)
        {
            var p = $"{A}.servers";
            if (app.Servers.Count == 0 && (app.App.Count > 0 || app.Database is not null || app.Services.Count > 0))
                Add(p, "servers must be defined when deploying services");
            var masters = app.Servers.Count(s => s.Value.Master);
            if (app.Servers.Count > 1 && masters == 0) Add(p, "when multiple servers are defined, exactly one must have master: true");
            if (masters > 1) Add(p, $"only one server can have master: true, found {masters}");

            foreach (var (name, group) in app.Servers)
            {
                var gp = $"{p}.{name}";
                Label(name, gp, "server group name");
                if (group.Count is < 1) Add($"{gp}.count", $"must be at least 1, got {group.Count}");
                foreach (var (vol, volume) in group.Volumes)
                {
                    var vp = $"{gp}.volumes.{vol}";
                    Label(vol, vp, "volume name");
                    if (volume.Size is { } size && size < ConfigRules.MinVolumeSizeGb)
                        Add($"{vp}.size", $"must be at least {ConfigRules.MinVolumeSizeGb} (GB), got {size}");
                }
            }
        }

        private void Apps(Application app)
        {
            var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var cronOwners = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, svc) in app.App)
            {
                var p = $"{A}.app.{name}";
                Label(name, p, "app name");
                ServerRefs(app, svc.Servers, p);
                Port(svc.Port, $"{p}.port");
                Mounts(app, svc.Servers, svc.Mounts, p, "mounts");
                Replicas(app, svc, p);
                Resources(svc.Resources, $"{p}.resources");
                foreach (var (cron, c) in svc.Crons)
                {
                    Cron(cron, c, $"{p}.crons.{cron}");
                    if (cronOwners.TryGetValue(cron, out var other))
                        Add($"{p}.crons.{cron}", $"cron '{cron}' is defined by app '{other}' too; cron names are unique in the application (`nvoi cron run {cron}`)");
                    else cronOwners[cron] = name;
                }

                if (svc.Domain is not null && !ConfigRules.IsDomain(svc.Domain))
                    Add($"{p}.domain", $"must be a valid domain name, got '{svc.Domain}'");
                if (!ConfigRules.IsSubdomain(svc.Subdomain))
                    Add($"{p}.subdomain", $"must be \"\", \"@\", \"*\" or a valid hostname label sequence, got '{svc.Subdomain}'");
                else if (ConfigRules.IsDomain(svc.Domain))
                {
                    foreach (var host in Names.Hostnames(svc.Subdomain, svc.Domain!))
                    {
                        if (host.Length > 253) Add($"{p}.subdomain", $"hostname '{host}' is longer than 253 characters");
                        if (owners.TryGetValue(host, out var other))
                            Add($"{p}.domain", $"domain '{host}' used by both '{other}' and '{name}'");
                        else owners[host] = name;
                    }
                }

                if (svc.Healthcheck is { } hc)
                {
                    var hp = $"{p}.healthcheck";
                    if (hc.Type is not null && !ConfigRules.HealthCheckTypes.Contains(hc.Type))
                        Add($"{hp}.type", $"must be one of {string.Join(", ", ConfigRules.HealthCheckTypes)}, got '{hc.Type}'");
                    Port(hc.Port, $"{hp}.port");
                    if (hc.Retries is < 1) Add($"{hp}.retries", $"must be at least 1, got {hc.Retries}");
                    if (hc.Type == "exec" && string.IsNullOrWhiteSpace(hc.Command)) Add($"{hp}.command", "is required for an exec healthcheck");
                }
            }
        }

        private void Replicas(Application app, AppService svc, string p)
        {
            if (svc.Replicas is not { } n) return;
            if (n < 1) Add($"{p}.replicas", $"must be at least 1, got {n}");
            else if (n > 1 && (svc.Mounts.Count > 0 || (ConfigRules.IsSqlite(app.Database) && app.Database!.Mount.Count > 0)))
                Add($"{p}.replicas", $"a service with a volume must run 1 replica, got {n}: the volume is a directory on one server, " +
                                     "so pods on other servers would not see its data and two pods would write the same files");
        }

        // Each quantity parses (KubernetesClient), is above zero, and no request exceeds its limit (the defaults fill what is absent).
        private void Resources(Resources? resources, string p)
        {
            if (resources is null) return;
            decimal? Check(string section, string key, string? value, string? fallback)
            {
                var path = $"{p}.{section}.{key}";
                if (value is null) return ConfigRules.Quantity(fallback);
                var q = ConfigRules.Quantity(value);
                if (q is null)
                    Add(path, $"must be a Kubernetes quantity such as {(key == "cpu" ? "250m or 1" : "256Mi or 1Gi")}, got '{value}'");
                else if (q <= 0) Add(path, $"must be more than 0, got '{value}'");
                return q;
            }
            foreach (var key in new[] { "cpu", "memory" })
            {
                string? Of(ResourceAmounts? a) => key == "cpu" ? a?.Cpu : a?.Memory;
                var request = Check("requests", key, Of(resources.Requests), Of(ConfigRules.DefaultRequests));
                var limit = Check("limits", key, Of(resources.Limits), Of(ConfigRules.DefaultLimits));
                if (request is > 0 && limit is > 0 && request > limit)
                {
                    var (requestText, limitText) = (Of(resources.Requests) ?? $"{Of(ConfigRules.DefaultRequests)} (the default)", Of(resources.Limits) ?? $"{Of(ConfigRules.DefaultLimits)} (the default)");
                    Add(Of(resources.Limits) is null ? $"{p}.requests.{key}" : $"{p}.limits.{key}",
                        $"requests.{key} {requestText} is above limits.{key} {limitText}; a request may not exceed its limit");
                }
            }
        }

        private void Cron(string name, CronConfig cron, string p)
        {
            Label(name, p, "cron name");
            if (string.IsNullOrWhiteSpace(cron.Schedule)) Add($"{p}.schedule", "is required: a cron expression such as \"0 3 * * *\"");
            else if (ConfigRules.CronScheduleProblem(cron.Schedule) is { } problem) Add($"{p}.schedule", $"{problem}, got '{cron.Schedule}'");
            if (string.IsNullOrWhiteSpace(cron.Command)) Add($"{p}.command", "is required: the command the cron runs in the app's image");
        }

        private void Database(Application app)
        {
            if (app.Database is not { } db) return;
            var p = $"{A}.database";
            ServerRefs(app, db.Servers, p);

            var adapter = ConfigRules.Adapter(db);
            if (adapter is null || !ConfigRules.Adapters.Contains(adapter))
            {
                Add($"{p}.adapter", adapter is null
                    ? $"is required: one of {string.Join(", ", ConfigRules.Adapters)}"
                    : $"must be one of {string.Join(", ", ConfigRules.Adapters)}, got '{db.Adapter}'");
                return;
            }
            if (string.IsNullOrWhiteSpace(db.Url))
            {
                string[] keys = ConfigRules.IsPostgres(db) ? ["POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"]
                    : ConfigRules.IsMysql(db) ? ["MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE"] : [];
                var kind = ConfigRules.IsPostgres(db) ? "postgres" : "mysql";
                foreach (var key in keys.Where(k => string.IsNullOrEmpty(db.Secrets.GetValueOrDefault(k))))
                    Add($"{p}.secrets", $"{kind} database requires {key} in secrets (or provide database.url)");
            }
            if (ConfigRules.IsSqlite(db) && db.Mount.Count == 0)
                Add($"{p}.mount", "sqlite3 requires database.mount to be configured");
            Mounts(app, db.Servers, db.Mount, p, "mount");
        }

        private void Services(Application app)
        {
            foreach (var (name, svc) in app.Services)
            {
                var p = $"{A}.services.{name}";
                Label(name, p, "service name");
                ServerRefs(app, svc.Servers, p);
                Port(svc.Port, $"{p}.port");
                if (string.IsNullOrWhiteSpace(svc.Image)) Add($"{p}.image", "is required");
                Mounts(app, svc.Servers, svc.Mount, p, "mount");
            }
        }

        private void EnvMaps(Application app)
        {
            EnvKeys(app.Env, $"{A}.env");
            EnvKeys(app.Secrets, $"{A}.secrets");
            if (app.Database is { } db) EnvKeys(db.Secrets, $"{A}.database.secrets");
            foreach (var (name, svc) in app.App) EnvKeys(svc.Env, $"{A}.app.{name}.env");
            foreach (var (name, svc) in app.Services) EnvKeys(svc.Env, $"{A}.services.{name}.env");
        }

        private void EnvKeys(Dictionary<string, string> env, string path)
        {
            foreach (var key in env.Keys.Where(k => !ConfigRules.IsEnvKey(k)))
                Add($"{path}.{key}", "variable names may contain only letters, digits, '-', '_' and '.'");
        }

        private void SshKeys(SshKeys? keys)
        {
            var p = $"{A}.ssh_keys";
            if (keys is null)
            {
                Add(p, "ssh_keys section is required in config. Run 'nvoi credentials edit' to generate keys.");
                return;
            }
            Required(keys.PrivateKey, $"{p}.private_key", "ssh_keys.private_key is required");
            Required(keys.PublicKey, $"{p}.public_key", "ssh_keys.public_key is required");
        }

        // ---- shared checks ----

        private void Required(string? value, string path, string message)
        {
            if (string.IsNullOrWhiteSpace(value)) Add(path, message);
        }

        private void Label(string name, string path, string what)
        {
            if (!ConfigRules.IsDnsLabel(name)) Add(path, $"{what} {ConfigRules.DnsLabelRule}");
        }

        private void Port(int? port, string path)
        {
            if (port is { } p && !ConfigRules.IsPort(p)) Add(path, $"must be between 1 and 65535, got {p}");
        }

        private void ServerRefs(Application app, List<string> servers, string path)
        {
            if (servers.Count == 0)
            {
                Add($"{path}.servers", "servers field is required");
                return;
            }
            for (var i = 0; i < servers.Count; i++)
                if (!app.Servers.ContainsKey(servers[i]))
                    Add($"{path}.servers[{i}]", $"references undefined server '{servers[i]}'");
        }

        private void Mounts(Application app, List<string> servers, Dictionary<string, string> mounts, string path, string key)
        {
            if (mounts.Count == 0) return;
            var mp = $"{path}.{key}";
            if (servers.Distinct().Count() != 1)
            {
                Add(mp, $"a service with mounts must run on exactly one server group, found {servers.Distinct().Count()}");
                return;
            }
            var group = servers[0];
            foreach (var (volume, target) in mounts)
            {
                if (!target.StartsWith('/')) Add($"{mp}.{volume}", $"mount path must be absolute, got '{target}'");
                if (app.Servers.TryGetValue(group, out var g) && !g.Volumes.ContainsKey(volume))
                    Add($"{mp}.{volume}", $"volume '{volume}' is not defined on server group '{group}'");
            }
        }
    }
}
