namespace Nvoi.Configuration.Editing;

/// <summary>An edit that cannot be made (unknown provider, a missing server, ...).</summary>
public sealed class ConfigEditException(string message) : NvoiException(message)
{
    public override int ExitCode => ExitCodes.InvalidInput;
}

public sealed record HetznerSettings(string? ApiToken, string? ServerType, string? ServerLocation);
public sealed record AwsSettings(string? AccessKeyId, string? SecretAccessKey, string? Region, string? InstanceType);
public sealed record ScalewaySettings(string? SecretKey, string? ProjectId, string? ServerType, string? Zone);
public sealed record AppSettings(IReadOnlyList<string> Servers, string? Domain, string? Subdomain, int? Port, string? Command, string? PreRunCommand);
public sealed record DatabaseSettings(IReadOnlyList<string> Servers, string Adapter, string? User, string? Password, string? Database, string? Url, string? Image);
public sealed record ServiceSettings(IReadOnlyList<string> Servers, string Image, int? Port, string? Command);

/// <summary>
/// The edits of <c>nvoi config … set|rm</c>, applied to a loaded config in place. Each checks
/// what it can see locally (a referenced server exists, a removed entry exists, a server still
/// referenced is not removed); the full validator runs on the result before it is written.
/// </summary>
public sealed class ConfigEditor(DeployConfig config)
{
    public static readonly string[] ComputeProviders = ["hetzner", "aws", "scaleway"];
    public static readonly string[] DomainProviders = ["cloudflare"];
    public static readonly string[] DatabaseAdapters = ["postgres", "postgresql", "mysql", "sqlite", "sqlite3"];

    private Application App => config.Application;

    public void SetHetzner(HetznerSettings s) =>
        App.ComputeProvider = new ComputeProvider { Hetzner = new HetznerConfig { ApiToken = s.ApiToken, ServerType = s.ServerType, ServerLocation = s.ServerLocation } };

    public void SetAws(AwsSettings s) =>
        App.ComputeProvider = new ComputeProvider { Aws = new AwsConfig { AccessKeyId = s.AccessKeyId, SecretAccessKey = s.SecretAccessKey, Region = s.Region, InstanceType = s.InstanceType } };

    public void SetScaleway(ScalewaySettings s) =>
        App.ComputeProvider = new ComputeProvider { Scaleway = new ScalewayConfig { SecretKey = s.SecretKey, ProjectId = s.ProjectId, ServerType = s.ServerType, Zone = s.Zone } };

    public void RemoveComputeProvider()
    {
        if (App.ComputeProvider is null) throw new ConfigEditException("no compute provider is configured");
        App.ComputeProvider = null;
    }

    public void SetCloudflare(string apiToken, string accountId) =>
        App.DomainProvider = new DomainProvider { Cloudflare = new CloudflareConfig { ApiToken = apiToken, AccountId = accountId } };

    public void RemoveDomainProvider()
    {
        if (App.DomainProvider is null) throw new ConfigEditException("no domain provider is configured");
        App.DomainProvider = null;
    }

    public void SetServer(string name, bool master, string? type, string? location, int? count)
    {
        var existing = App.Servers.GetValueOrDefault(name);
        App.Servers[name] = new ServerGroup
        {
            Master = master,
            Type = type,
            Location = location,
            Count = count,
            Volumes = existing?.Volumes ?? new(), // re-setting a group keeps its volumes (data)
        };
    }

    public void RemoveServer(string name)
    {
        Require(App.Servers, name, "server");
        foreach (var (app, svc) in App.App)
            if (svc.Servers.Contains(name)) throw new ConfigEditException($"server '{name}' is used by application.app.{app}: remove it there first");
        if (App.Database?.Servers.Contains(name) == true)
            throw new ConfigEditException($"server '{name}' is used by application.database: remove it there first");
        foreach (var (svcName, svc) in App.Services)
            if (svc.Servers.Contains(name)) throw new ConfigEditException($"server '{name}' is used by application.services.{svcName}: remove it there first");
        App.Servers.Remove(name);
    }

    public void SetVolume(string server, string name, int size)
    {
        Require(App.Servers, server, "server");
        App.Servers[server].Volumes[name] = new ServerVolume { Size = size };
    }

    public void RemoveVolume(string server, string name)
    {
        Require(App.Servers, server, "server");
        Require(App.Servers[server].Volumes, name, $"volume on server '{server}'");
        App.Servers[server].Volumes.Remove(name);
    }

    public void SetApp(string name, AppSettings s)
    {
        RequireServers(s.Servers);
        var existing = App.App.GetValueOrDefault(name);
        App.App[name] = new AppService
        {
            Servers = s.Servers.ToList(),
            Domain = s.Domain,
            Subdomain = s.Subdomain,
            Port = s.Port,
            Command = s.Command,
            PreRunCommand = s.PreRunCommand,
            // What the command line cannot express is kept.
            Healthcheck = existing?.Healthcheck,
            Env = existing?.Env ?? new(),
            Mounts = existing?.Mounts ?? new(),
            Replicas = existing?.Replicas,
            Resources = existing?.Resources,
            Crons = existing?.Crons ?? new(),
        };
    }

    public void RemoveApp(string name)
    {
        Require(App.App, name, "app");
        App.App.Remove(name);
    }

    public void SetDatabase(DatabaseSettings s)
    {
        RequireServers(s.Servers);
        var adapter = s.Adapter.ToLowerInvariant();
        if (!DatabaseAdapters.Contains(adapter))
            throw new ConfigEditException($"adapter must be one of: {string.Join(", ", DatabaseAdapters)}");
        var secrets = new Dictionary<string, string>();
        var (user, password, db) = adapter switch
        {
            "postgres" or "postgresql" => ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"),
            "mysql" => ("MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE"),
            _ => (null, null, null),
        };
        if (user is not null)
        {
            if (s.User is not null) secrets[user] = s.User;
            if (s.Password is not null) secrets[password!] = s.Password;
            if (s.Database is not null) secrets[db!] = s.Database;
        }
        var existing = App.Database;
        App.Database = new Database
        {
            Servers = s.Servers.ToList(),
            Adapter = s.Adapter,
            Url = s.Url,
            Image = s.Image,
            Secrets = secrets,
            Mount = existing?.Mount ?? new(),
            Path = existing?.Path,
        };
    }

    public void RemoveDatabase()
    {
        if (App.Database is null) throw new ConfigEditException("no database is configured");
        App.Database = null;
    }

    public void SetService(string name, ServiceSettings s)
    {
        RequireServers(s.Servers);
        var existing = App.Services.GetValueOrDefault(name);
        App.Services[name] = new ExtraService
        {
            Servers = s.Servers.ToList(),
            Image = s.Image,
            Port = s.Port,
            Command = s.Command,
            Env = existing?.Env ?? new(),
            Mount = existing?.Mount ?? new(),
        };
    }

    public void RemoveService(string name)
    {
        Require(App.Services, name, "service");
        App.Services.Remove(name);
    }

    public void SetSecret(string key, string value) => App.Secrets[key] = value;

    public void RemoveSecret(string key)
    {
        Require(App.Secrets, key, "secret");
        App.Secrets.Remove(key);
    }

    public void SetEnv(string key, string value) => App.Env[key] = value;

    public void RemoveEnv(string key)
    {
        Require(App.Env, key, "env variable");
        App.Env.Remove(key);
    }

    private void RequireServers(IReadOnlyList<string> servers)
    {
        if (servers.Count == 0) throw new ConfigEditException("--servers is required: name at least one server group");
        foreach (var s in servers)
            if (!App.Servers.ContainsKey(s))
                throw new ConfigEditException($"server '{s}' not found (defined: {Defined(App.Servers.Keys)}); add it with `nvoi config server set {s}`");
    }

    private static void Require<T>(Dictionary<string, T> map, string key, string what)
    {
        if (!map.ContainsKey(key))
            throw new ConfigEditException($"{what} '{key}' not found (defined: {Defined(map.Keys)})");
    }

    private static string Defined(IEnumerable<string> keys)
    {
        var list = keys.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
