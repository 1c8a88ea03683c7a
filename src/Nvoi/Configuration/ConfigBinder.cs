using System.Globalization;

namespace Nvoi.Configuration;

/// <summary>Binds a <see cref="YNode"/> tree to the model by hand, collecting type and unknown-key errors.</summary>
internal sealed class ConfigBinder(List<ConfigError> errors, Dictionary<string, int> lines)
{
    private static string J(string path, string key) => YamlTree.Join(path, key);

    public DeployConfig BindRoot(YNode root)
    {
        var f = Fields(root, "", ConfigShape.Root);
        if (f is null) return new DeployConfig();
        if (!f.TryGetValue("application", out var app) || app is YScalar { IsNull: true })
        {
            Error("application", "is required", root.Line);
            return new DeployConfig();
        }
        return new DeployConfig { Application = Application(app, "application") };
    }

    private Application Application(YNode node, string p)
    {
        var f = Fields(node, p, ConfigShape.Application) ?? [];
        var a = new Application
        {
            Name = Str(f, p, "name"),
            Environment = Str(f, p, "environment"),
            KeepCount = Int(f, p, "keep_count"),
            RollbackOnFailure = Bool(f, p, "rollback_on_failure"),
            Servers = Map(f, p, "servers", ServerGroup),
            App = Map(f, p, "app", AppService),
            Services = Map(f, p, "services", ExtraService),
            Env = StrMap(f, p, "env"),
            Secrets = StrMap(f, p, "secrets"),
        };
        if (Fields(f, p, "domain_provider", ConfigShape.DomainProvider) is { } dp)
        {
            var dpp = J(p, "domain_provider");
            a.DomainProvider = new DomainProvider();
            if (Fields(dp, dpp, "cloudflare", ConfigShape.Cloudflare) is { } cf)
            {
                var cp = J(dpp, "cloudflare");
                a.DomainProvider.Cloudflare = new CloudflareConfig { ApiToken = Str(cf, cp, "api_token"), AccountId = Str(cf, cp, "account_id") };
            }
        }
        if (Fields(f, p, "compute_provider", ConfigShape.ComputeProvider) is { } cpv)
        {
            var pp = J(p, "compute_provider");
            a.ComputeProvider = new ComputeProvider();
            if (Fields(cpv, pp, "hetzner", ConfigShape.Hetzner) is { } h)
            {
                var hp = J(pp, "hetzner");
                a.ComputeProvider.Hetzner = new HetznerConfig
                {
                    ApiToken = Str(h, hp, "api_token"), ServerType = Str(h, hp, "server_type"), ServerLocation = Str(h, hp, "server_location"),
                };
            }
            if (Fields(cpv, pp, "aws", ConfigShape.Aws) is { } aw)
            {
                var ap = J(pp, "aws");
                a.ComputeProvider.Aws = new AwsConfig
                {
                    AccessKeyId = Str(aw, ap, "access_key_id"), SecretAccessKey = Str(aw, ap, "secret_access_key"),
                    Region = Str(aw, ap, "region"), InstanceType = Str(aw, ap, "instance_type"),
                };
            }
            if (Fields(cpv, pp, "scaleway", ConfigShape.Scaleway) is { } s)
            {
                var sp = J(pp, "scaleway");
                a.ComputeProvider.Scaleway = new ScalewayConfig
                {
                    SecretKey = Str(s, sp, "secret_key"), ProjectId = Str(s, sp, "project_id"),
                    ServerType = Str(s, sp, "server_type"), Zone = Str(s, sp, "zone"),
                };
            }
        }
        // nvoi 0.2.0's `config provider rm` leaves `compute_provider: {}`: no provider, as if the key were absent.
        if (a.ComputeProvider is { Hetzner: null, Aws: null, Scaleway: null }) a.ComputeProvider = null;
        if (Fields(f, p, "database", ConfigShape.Database) is { } db)
        {
            var d = J(p, "database");
            a.Database = new Database
            {
                Servers = StrList(db, d, "servers"), Adapter = Str(db, d, "adapter"), Url = Str(db, d, "url"),
                Image = Str(db, d, "image"), Mount = StrMap(db, d, "mount"), Secrets = StrMap(db, d, "secrets"),
                Path = Str(db, d, "path"),
            };
        }
        if (Fields(f, p, "ssh_keys", ConfigShape.SshKeys) is { } k)
        {
            var kp = J(p, "ssh_keys");
            a.SshKeys = new SshKeys
            {
                PrivateKey = Str(k, kp, "private_key"), PublicKey = Str(k, kp, "public_key"), HostKeys = StrMap(k, kp, "host_keys"),
            };
        }
        if (Fields(f, p, "k3s", ConfigShape.K3s) is { } k3s)
        {
            var k3p = J(p, "k3s");
            a.K3s = new K3sConfig();
            if (Fields(k3s, k3p, "installer", ConfigShape.K3sInstaller) is { } inst)
            {
                var ip = J(k3p, "installer");
                a.K3s.Installer = new K3sInstallerConfig { Path = Str(inst, ip, "path"), Sha256 = Str(inst, ip, "sha256") };
            }
        }
        return a;
    }

    private ServerGroup ServerGroup(YNode? node, string p)
    {
        var f = Fields(node, p, ConfigShape.ServerGroup) ?? [];
        return new ServerGroup
        {
            Master = Bool(f, p, "master") ?? false,
            Type = Str(f, p, "type"),
            Location = Str(f, p, "location"),
            Count = Int(f, p, "count"),
            Volumes = Map(f, p, "volumes", (n, vp) => new ServerVolume { Size = Int(Fields(n, vp, ConfigShape.Volume) ?? [], vp, "size") }),
        };
    }

    private AppService AppService(YNode? node, string p)
    {
        var f = Fields(node, p, ConfigShape.AppService) ?? [];
        var app = new AppService
        {
            Servers = StrList(f, p, "servers"), Domain = Str(f, p, "domain"), Subdomain = Str(f, p, "subdomain"),
            Port = Int(f, p, "port"), Command = Str(f, p, "command"), PreRunCommand = Str(f, p, "pre_run_command"),
            Env = StrMap(f, p, "env"), Mounts = StrMap(f, p, "mounts"), Replicas = Int(f, p, "replicas"),
            Crons = Map(f, p, "crons", (n, cp) =>
            {
                var c = Fields(n, cp, ConfigShape.Cron) ?? [];
                return new CronConfig { Schedule = Str(c, cp, "schedule"), Command = Str(c, cp, "command") };
            }),
        };
        if (Fields(f, p, "resources", ConfigShape.Resources) is { } r)
        {
            var rp = J(p, "resources");
            ResourceAmounts? Amounts(string key) => Fields(r, rp, key, ConfigShape.ResourceAmounts) is { } a
                ? new ResourceAmounts { Cpu = Str(a, J(rp, key), "cpu"), Memory = Str(a, J(rp, key), "memory") }
                : null;
            app.Resources = new Resources { Requests = Amounts("requests"), Limits = Amounts("limits") };
        }
        if (Fields(f, p, "healthcheck", ConfigShape.HealthCheck) is { } h)
        {
            var hp = J(p, "healthcheck");
            app.Healthcheck = new HealthCheck
            {
                Type = Str(h, hp, "type"), Path = Str(h, hp, "path"), Port = Int(h, hp, "port"), Command = Str(h, hp, "command"),
                Interval = Str(h, hp, "interval"), Timeout = Str(h, hp, "timeout"), Retries = Int(h, hp, "retries"),
            };
        }
        return app;
    }

    private ExtraService ExtraService(YNode? node, string p)
    {
        var f = Fields(node, p, ConfigShape.ExtraService) ?? [];
        return new ExtraService
        {
            Servers = StrList(f, p, "servers"), Image = Str(f, p, "image"), Port = Int(f, p, "port"),
            Command = Str(f, p, "command"), Env = StrMap(f, p, "env"), Mount = StrMap(f, p, "mount"),
        };
    }

    // ---- primitives ----

    private void Error(string path, string message, int line) => errors.Add(new ConfigError(path, message) { Line = line });

    private static bool IsAbsent(YNode? n) => n is null || n is YScalar { IsNull: true };

    /// <summary>The entries of a mapping; unknown keys are errors. Null for an absent or null node.</summary>
    private Dictionary<string, YNode>? Fields(YNode? node, string path, ConfigShape shape)
    {
        if (IsAbsent(node)) return null;
        if (node is not YMapping map)
        {
            Error(path, $"expected a mapping, got {Describe(node!)}", node!.Line);
            return null;
        }
        var result = new Dictionary<string, YNode>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            var childPath = J(path, key.Value);
            lines[childPath] = key.Line;
            if (!shape.Fields.ContainsKey(key.Value))
            {
                Error(childPath, $"unknown key '{key.Value}' (allowed: {string.Join(", ", shape.Keys)})", key.Line);
                continue;
            }
            result[key.Value] = value;
        }
        return result;
    }

    private Dictionary<string, YNode>? Fields(Dictionary<string, YNode> parent, string path, string key, ConfigShape shape) =>
        parent.TryGetValue(key, out var node) ? Fields(node, J(path, key), shape) : null;

    private YScalar? Scalar(Dictionary<string, YNode> f, string path, string key, string expected)
    {
        if (!f.TryGetValue(key, out var node) || IsAbsent(node)) return null;
        if (node is YScalar s) return s;
        Error(J(path, key), $"expected {expected}, got {node.Kind}", node.Line);
        return null;
    }

    private string? Str(Dictionary<string, YNode> f, string path, string key) => Scalar(f, path, key, "a string")?.Value;

    private int? Int(Dictionary<string, YNode> f, string path, string key)
    {
        if (Scalar(f, path, key, "an integer") is not { } s) return null;
        if (int.TryParse(s.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        Error(J(path, key), $"expected an integer, got {Quote(s.Value)}", s.Line);
        return null;
    }

    private bool? Bool(Dictionary<string, YNode> f, string path, string key)
    {
        if (Scalar(f, path, key, "true or false") is not { } s) return null;
        switch (s.Value.ToLowerInvariant())
        {
            case "true" or "yes" or "on": return true;
            case "false" or "no" or "off": return false;
            default:
                Error(J(path, key), $"expected true or false, got {Quote(s.Value)}", s.Line);
                return null;
        }
    }

    private List<string> StrList(Dictionary<string, YNode> f, string path, string key)
    {
        var list = new List<string>();
        if (!f.TryGetValue(key, out var node) || IsAbsent(node)) return list;
        var p = J(path, key);
        if (node is not YSequence seq)
        {
            Error(p, $"expected a list of strings, got {Describe(node)}", node.Line);
            return list;
        }
        for (var i = 0; i < seq.Items.Count; i++)
        {
            if (seq.Items[i] is YScalar { IsNull: false } s) list.Add(s.Value);
            else Error($"{p}[{i}]", $"expected a string, got {(seq.Items[i] is YScalar ? "null" : seq.Items[i].Kind)}", seq.Items[i].Line);
        }
        return list;
    }

    /// <summary>A map of strings (env, secrets, mounts): any scalar becomes its text, null becomes "".</summary>
    private Dictionary<string, string> StrMap(Dictionary<string, YNode> f, string path, string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!f.TryGetValue(key, out var node) || IsAbsent(node)) return result;
        var p = J(path, key);
        if (node is not YMapping map)
        {
            Error(p, $"expected a mapping, got {Describe(node)}", node.Line);
            return result;
        }
        foreach (var (k, v) in map.Entries)
        {
            var kp = J(p, k.Value);
            lines[kp] = k.Line;
            if (v is YScalar s) result[k.Value] = s.IsNull ? "" : s.Value;
            else Error(kp, $"expected a string, got {v.Kind}", v.Line);
        }
        return result;
    }

    private Dictionary<string, T> Map<T>(Dictionary<string, YNode> f, string path, string key, Func<YNode?, string, T> bind)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        if (!f.TryGetValue(key, out var node) || IsAbsent(node)) return result;
        var p = J(path, key);
        if (node is not YMapping map)
        {
            Error(p, $"expected a mapping, got {Describe(node)}", node.Line);
            return result;
        }
        foreach (var (k, v) in map.Entries)
        {
            var kp = J(p, k.Value);
            lines[kp] = k.Line;
            result[k.Value] = bind(v, kp);
        }
        return result;
    }

    // Never echoes a scalar here: it may be a token given where a mapping was expected.
    private static string Describe(YNode node) => node.Kind;

    private static string Quote(string value)
    {
        var v = value.Length > 40 ? value[..40] + "…" : value;
        return "\"" + v.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
    }
}
