namespace Nvoi.Configuration;

/// <summary>
/// The keys a config may contain, as a tree. The loader takes its allowed-key lists from here and a test
/// compares it with docs/schema/deploy.schema.json, so the loader and the schema cannot drift apart.
/// </summary>
internal sealed class ConfigShape
{
    public enum ShapeKind { Scalar, List, Object, Map }

    public ShapeKind Kind { get; }
    public IReadOnlyDictionary<string, ConfigShape> Fields { get; } = new Dictionary<string, ConfigShape>();
    public ConfigShape? Values { get; }

    private ConfigShape(ShapeKind kind, Dictionary<string, ConfigShape>? fields = null, ConfigShape? values = null)
    {
        Kind = kind;
        if (fields is not null) Fields = fields;
        Values = values;
    }

    public IEnumerable<string> Keys => Fields.Keys;

    private static readonly ConfigShape Leaf = new(ShapeKind.Scalar);
    private static readonly ConfigShape StringList = new(ShapeKind.List);
    private static readonly ConfigShape StringMap = new(ShapeKind.Map, values: Leaf);

    private static ConfigShape Obj(params (string Key, ConfigShape Shape)[] fields) =>
        new(ShapeKind.Object, fields.ToDictionary(f => f.Key, f => f.Shape));

    private static ConfigShape Leaves(params string[] keys) => Obj(keys.Select(k => (k, Leaf)).ToArray());
    private static ConfigShape MapOf(ConfigShape values) => new(ShapeKind.Map, values: values);

    public static readonly ConfigShape Cloudflare = Leaves("api_token", "account_id");
    public static readonly ConfigShape DomainProvider = Obj(("cloudflare", Cloudflare));
    public static readonly ConfigShape Hetzner = Leaves("api_token", "server_type", "server_location");
    public static readonly ConfigShape Aws = Leaves("access_key_id", "secret_access_key", "region", "instance_type");
    public static readonly ConfigShape Scaleway = Leaves("secret_key", "project_id", "server_type", "zone");
    public static readonly ConfigShape ComputeProvider = Obj(("hetzner", Hetzner), ("aws", Aws), ("scaleway", Scaleway));
    public static readonly ConfigShape Volume = Leaves("size");
    public static readonly ConfigShape ServerGroup = Obj(("master", Leaf), ("type", Leaf), ("location", Leaf),
        ("count", Leaf), ("volumes", MapOf(Volume)));
    public static readonly ConfigShape HealthCheck = Leaves("type", "path", "port", "command", "interval", "timeout", "retries");
    public static readonly ConfigShape ResourceAmounts = Leaves("cpu", "memory");
    public static readonly ConfigShape Resources = Obj(("requests", ResourceAmounts), ("limits", ResourceAmounts));
    public static readonly ConfigShape Cron = Leaves("schedule", "command");
    public static readonly ConfigShape AppService = Obj(("servers", StringList), ("domain", Leaf), ("subdomain", Leaf),
        ("port", Leaf), ("command", Leaf), ("pre_run_command", Leaf), ("healthcheck", HealthCheck),
        ("env", StringMap), ("mounts", StringMap), ("replicas", Leaf), ("resources", Resources), ("crons", MapOf(Cron)));
    public static readonly ConfigShape Database = Obj(("servers", StringList), ("adapter", Leaf), ("url", Leaf),
        ("image", Leaf), ("mount", StringMap), ("secrets", StringMap), ("path", Leaf));
    public static readonly ConfigShape ExtraService = Obj(("servers", StringList), ("image", Leaf), ("port", Leaf),
        ("command", Leaf), ("env", StringMap), ("mount", StringMap));
    public static readonly ConfigShape K3sInstaller = Leaves("path", "sha256");
    public static readonly ConfigShape K3s = Obj(("installer", K3sInstaller));
    public static readonly ConfigShape SshKeys = Obj(("private_key", Leaf), ("public_key", Leaf), ("host_keys", StringMap));
    public static readonly ConfigShape Application = Obj(("name", Leaf), ("environment", Leaf), ("keep_count", Leaf), ("rollback_on_failure", Leaf),
        ("domain_provider", DomainProvider), ("compute_provider", ComputeProvider), ("servers", MapOf(ServerGroup)),
        ("app", MapOf(AppService)), ("database", Database), ("services", MapOf(ExtraService)),
        ("env", StringMap), ("secrets", StringMap), ("ssh_keys", SshKeys), ("k3s", K3s));
    public static readonly ConfigShape Root = Obj(("application", Application));

    /// <summary>
    /// The leaves that are not strings (<c>*</c> matches any map key), and what they hold; every other leaf is a string.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> TypedLeaves = new Dictionary<string, string>
    {
        ["application.keep_count"] = "integer",
        ["application.rollback_on_failure"] = "boolean",
        ["application.servers.*.master"] = "boolean",
        ["application.servers.*.count"] = "integer",
        ["application.servers.*.volumes.*.size"] = "integer",
        ["application.app.*.port"] = "integer",
        ["application.app.*.healthcheck.port"] = "integer",
        ["application.app.*.healthcheck.retries"] = "integer",
        ["application.services.*.port"] = "integer",
    };

    /// <summary>What the leaf at <paramref name="segments"/> (from <c>application</c> on) holds: "integer", "boolean" or "string".</summary>
    public static string LeafType(IReadOnlyList<string> segments)
    {
        foreach (var (pattern, type) in TypedLeaves)
        {
            var parts = pattern.Split('.');
            if (parts.Length == segments.Count && parts.Zip(segments).All(p => p.First == "*" || p.First == p.Second)) return type;
        }
        return "string";
    }

    /// <summary>Every accepted key path; map keys are <c>*</c> (<c>application.servers.*.volumes.*.size</c>).</summary>
    public static IReadOnlySet<string> KeyPaths()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Walk(Root, "", paths);
        return paths;
    }

    private static void Walk(ConfigShape shape, string path, SortedSet<string> paths)
    {
        foreach (var (key, child) in shape.Fields)
        {
            var p = YamlTree.Join(path, key);
            paths.Add(p);
            Walk(child, p, paths);
        }
        if (shape.Values is { } values)
        {
            var p = YamlTree.Join(path, "*");
            paths.Add(p);
            Walk(values, p, paths);
        }
    }
}
