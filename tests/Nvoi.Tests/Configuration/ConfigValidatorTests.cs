using Nvoi.Configuration;
using static Nvoi.Tests.Configuration.ConfigFixtures;

namespace Nvoi.Tests.Configuration;

public class ConfigValidatorTests
{
    private static IReadOnlyList<ConfigError> ValidateAfter(Action<Application> change)
    {
        var config = Full();
        change(config.Application);
        return ConfigValidator.Validate(config);
    }

    private static void Fails(Action<Application> change, string path, string message)
    {
        var errors = ValidateAfter(change);
        HasError(errors, path, message);
    }

    public static TheoryData<string, Action<Application>, string, string> Rules => new()
    {
        { "name required", a => a.Name = null, "application.name", "is required" },
        { "environment required", a => a.Environment = " ", "application.environment", "is required" },
        { "k3s installer path", a => a.K3s = new K3sConfig { Installer = new K3sInstallerConfig { Sha256 = new string('a', 64) } },
            "application.k3s.installer.path", "is required: the k3s installer file (a saved copy of https://get.k3s.io)" },
        { "k3s installer sha256 missing", a => a.K3s = new K3sConfig { Installer = new K3sInstallerConfig { Path = "k3s-install.sh" } },
            "application.k3s.installer.sha256", "is required: the installer's SHA-256 (sha256sum FILE)" },
        { "k3s installer sha256 malformed", a => a.K3s = new K3sConfig { Installer = new K3sInstallerConfig { Path = "k3s-install.sh", Sha256 = "abc" } },
            "application.k3s.installer.sha256", "must be 64 hex digits (sha256sum FILE), got 'abc'" },
        { "name shell metacharacters", a => a.Name = "app;rm -rf /", "application.name", ConfigRules.DnsLabelRule + ", got 'app;rm -rf /'" },
        { "name uppercase", a => a.Name = "MyApp", "application.name", ConfigRules.DnsLabelRule + ", got 'MyApp'" },
        { "name too long", a => a.Name = new string('a', 64), "application.name", ConfigRules.DnsLabelRule + ", got '" + new string('a', 64) + "'" },
        { "cloudflare missing", a => a.DomainProvider = null, "application.domain_provider", "domain provider required: currently only cloudflare is supported" },
        { "cloudflare token", a => a.DomainProvider!.Cloudflare!.ApiToken = "", "application.domain_provider.cloudflare.api_token", "cloudflare api_token is required" },
        { "cloudflare account", a => a.DomainProvider!.Cloudflare!.AccountId = null, "application.domain_provider.cloudflare.account_id", "cloudflare account_id is required" },
        { "no compute provider", a => a.ComputeProvider = null, "application.compute_provider", "compute provider required: hetzner, aws, or scaleway must be configured" },
        { "two compute providers", a => a.ComputeProvider!.Aws = new AwsConfig { AccessKeyId = "a", SecretAccessKey = "s", Region = "r", InstanceType = "t" },
            "application.compute_provider", "exactly one compute provider may be configured, found hetzner, aws" },
        { "hetzner token", a => a.ComputeProvider!.Hetzner!.ApiToken = null, "application.compute_provider.hetzner.api_token", "hetzner api_token is required" },
        { "hetzner type", a => a.ComputeProvider!.Hetzner!.ServerType = null, "application.compute_provider.hetzner.server_type", "hetzner server_type is required" },
        { "hetzner location", a => a.ComputeProvider!.Hetzner!.ServerLocation = null, "application.compute_provider.hetzner.server_location", "hetzner server_location is required" },
        { "aws region", a => a.ComputeProvider = new ComputeProvider { Aws = new AwsConfig { AccessKeyId = "a", SecretAccessKey = "s", InstanceType = "t" } },
            "application.compute_provider.aws.region", "aws region is required" },
        { "aws key", a => a.ComputeProvider = new ComputeProvider { Aws = new AwsConfig { SecretAccessKey = "s", Region = "r", InstanceType = "t" } },
            "application.compute_provider.aws.access_key_id", "aws access_key_id is required" },
        { "aws secret", a => a.ComputeProvider = new ComputeProvider { Aws = new AwsConfig { AccessKeyId = "a", Region = "r", InstanceType = "t" } },
            "application.compute_provider.aws.secret_access_key", "aws secret_access_key is required" },
        { "aws instance type", a => a.ComputeProvider = new ComputeProvider { Aws = new AwsConfig { AccessKeyId = "a", SecretAccessKey = "s", Region = "r" } },
            "application.compute_provider.aws.instance_type", "aws instance_type is required" },
        { "scaleway key", a => a.ComputeProvider = new ComputeProvider { Scaleway = new ScalewayConfig { ProjectId = "p", ServerType = "DEV1-S" } },
            "application.compute_provider.scaleway.secret_key", "scaleway secret_key is required" },
        { "scaleway project", a => a.ComputeProvider = new ComputeProvider { Scaleway = new ScalewayConfig { SecretKey = "k", ServerType = "DEV1-S" } },
            "application.compute_provider.scaleway.project_id", "scaleway project_id is required" },
        { "scaleway type", a => a.ComputeProvider = new ComputeProvider { Scaleway = new ScalewayConfig { SecretKey = "k", ProjectId = "p" } },
            "application.compute_provider.scaleway.server_type", "scaleway server_type is required" },
        { "no servers", a => a.Servers.Clear(), "application.servers", "servers must be defined when deploying services" },
        { "no master", a => a.Servers["master"].Master = false, "application.servers", "when multiple servers are defined, exactly one must have master: true" },
        { "two masters", a => a.Servers["workers"].Master = true, "application.servers", "only one server can have master: true, found 2" },
        { "group name", a => a.Servers["Web_1"] = new ServerGroup(), "application.servers.Web_1", "server group name " + ConfigRules.DnsLabelRule },
        { "count zero", a => a.Servers["workers"].Count = 0, "application.servers.workers.count", "must be at least 1, got 0" },
        { "volume size", a => a.Servers["master"].Volumes["uploads"].Size = 5, "application.servers.master.volumes.uploads.size", "must be at least 10 (GB), got 5" },
        { "volume name", a => a.Servers["master"].Volumes["my$vol"] = new ServerVolume(), "application.servers.master.volumes.my$vol", "volume name " + ConfigRules.DnsLabelRule },
        { "app name", a => a.App["web`id`"] = new AppService { Servers = ["master"] }, "application.app.web`id`", "app name " + ConfigRules.DnsLabelRule },
        { "app servers required", a => a.App["worker"].Servers.Clear(), "application.app.worker.servers", "servers field is required" },
        { "app undefined server", a => a.App["worker"].Servers.Add("wrk"), "application.app.worker.servers[1]", "references undefined server 'wrk'" },
        { "app port low", a => a.App["web"].Port = 0, "application.app.web.port", "must be between 1 and 65535, got 0" },
        { "app port high", a => a.App["web"].Port = 70000, "application.app.web.port", "must be between 1 and 65535, got 70000" },
        { "healthcheck port", a => a.App["web"].Healthcheck!.Port = -1, "application.app.web.healthcheck.port", "must be between 1 and 65535, got -1" },
        { "healthcheck type", a => a.App["web"].Healthcheck!.Type = "grpc", "application.app.web.healthcheck.type", "must be one of http, tcp, exec, got 'grpc'" },
        { "healthcheck retries", a => a.App["web"].Healthcheck!.Retries = 0, "application.app.web.healthcheck.retries", "must be at least 1, got 0" },
        { "exec healthcheck command", a => a.App["web"].Healthcheck = new HealthCheck { Type = "exec" }, "application.app.web.healthcheck.command", "is required for an exec healthcheck" },
        { "domain", a => a.App["web"].Domain = "exa mple.com", "application.app.web.domain", "must be a valid domain name, got 'exa mple.com'" },
        { "domain single label", a => a.App["web"].Domain = "localhost", "application.app.web.domain", "must be a valid domain name, got 'localhost'" },
        { "subdomain", a => a.App["web"].Subdomain = "-www", "application.app.web.subdomain", "must be \"\", \"@\", \"*\" or a valid hostname label sequence, got '-www'" },
        { "duplicate hostname", a => a.App["api"] = new AppService { Servers = ["master"], Domain = "example.com", Subdomain = "www", Port = 4000 },
            "application.app.api.domain", "domain 'www.example.com' used by both 'web' and 'api'" },
        { "apex collides with wildcard", a => {
                a.App["web"].Subdomain = "@";
                a.App["api"] = new AppService { Servers = ["master"], Domain = "example.com", Subdomain = "*", Port = 4000 };
            }, "application.app.api.domain", "domain '*.example.com' used by both 'web' and 'api'" },
        { "mounts on two groups", a => a.App["web"].Servers.Add("workers"), "application.app.web.mounts", "a service with mounts must run on exactly one server group, found 2" },
        { "mount volume missing", a => a.App["web"].Mounts["cache"] = "/cache", "application.app.web.mounts.cache", "volume 'cache' is not defined on server group 'master'" },
        { "mount path relative", a => a.App["web"].Mounts["uploads"] = "public/uploads", "application.app.web.mounts.uploads", "mount path must be absolute, got 'public/uploads'" },
        { "service mount volume missing", a => a.Services["redis"].Mount["redis_data"] = "/data", "application.services.redis.mount.redis_data", "volume 'redis_data' is not defined on server group 'master'" },
        { "service mount two groups", a => { a.Services["redis"].Mount["pgdata"] = "/data"; a.Services["redis"].Servers.Add("workers"); },
            "application.services.redis.mount", "a service with mounts must run on exactly one server group, found 2" },
        { "database mount volume missing", a => a.Database!.Servers = ["workers"], "application.database.mount.pgdata", "volume 'pgdata' is not defined on server group 'workers'" },
        { "database servers required", a => a.Database!.Servers.Clear(), "application.database.servers", "servers field is required" },
        { "database undefined server", a => a.Database!.Servers = ["db"], "application.database.servers[0]", "references undefined server 'db'" },
        { "adapter unknown", a => a.Database!.Adapter = "oracle", "application.database.adapter", "must be one of postgres, postgresql, mysql, sqlite, sqlite3, got 'oracle'" },
        { "adapter missing", a => a.Database!.Adapter = null, "application.database.adapter", "is required: one of postgres, postgresql, mysql, sqlite, sqlite3" },
        { "postgres user", a => a.Database!.Secrets.Remove("POSTGRES_USER"), "application.database.secrets", "postgres database requires POSTGRES_USER in secrets (or provide database.url)" },
        { "postgres password", a => a.Database!.Secrets["POSTGRES_PASSWORD"] = "", "application.database.secrets", "postgres database requires POSTGRES_PASSWORD in secrets (or provide database.url)" },
        { "postgres db", a => a.Database!.Secrets.Remove("POSTGRES_DB"), "application.database.secrets", "postgres database requires POSTGRES_DB in secrets (or provide database.url)" },
        { "mysql database", a => { a.Database!.Adapter = "mysql"; a.Database.Secrets = new() { ["MYSQL_USER"] = "u", ["MYSQL_PASSWORD"] = "p" }; },
            "application.database.secrets", "mysql database requires MYSQL_DATABASE in secrets (or provide database.url)" },
        { "sqlite mount", a => { a.Database!.Adapter = "sqlite3"; a.Database.Mount.Clear(); }, "application.database.mount", "sqlite3 requires database.mount to be configured" },
        { "service name", a => a.Services["Redis Cache"] = new ExtraService { Servers = ["master"], Image = "redis" }, "application.services.Redis Cache", "service name " + ConfigRules.DnsLabelRule },
        { "service servers required", a => a.Services["redis"].Servers.Clear(), "application.services.redis.servers", "servers field is required" },
        { "service undefined server", a => a.Services["redis"].Servers = ["cache"], "application.services.redis.servers[0]", "references undefined server 'cache'" },
        { "service port", a => a.Services["redis"].Port = 65536, "application.services.redis.port", "must be between 1 and 65535, got 65536" },
        { "service image", a => a.Services["redis"].Image = null, "application.services.redis.image", "is required" },
        { "derived server name too long", a => a.Servers[new string('g', 55)] = new ServerGroup { Count = 10 }, "application.servers." + new string('g', 55),
            "resource name 'myapp-" + new string('g', 55) + "-10' would be longer than 63 characters; shorten the names" },
        { "derived app name too long", a => a.App[new string('w', 58)] = new AppService { Servers = ["master"] }, "application.app." + new string('w', 58),
            "resource name 'myapp-" + new string('w', 58) + "' would be longer than 63 characters; shorten the names" },
        { "env key", a => a.Env["BAD KEY"] = "x", "application.env.BAD KEY", "variable names may contain only letters, digits, '-', '_' and '.'" },
        { "app env key", a => a.App["web"].Env["A=B"] = "x", "application.app.web.env.A=B", "variable names may contain only letters, digits, '-', '_' and '.'" },
        { "ssh keys missing", a => a.SshKeys = null, "application.ssh_keys", "ssh_keys section is required in config. Run 'nvoi credentials edit' to generate keys." },
        { "ssh private key", a => a.SshKeys!.PrivateKey = "", "application.ssh_keys.private_key", "ssh_keys.private_key is required" },
        { "ssh public key", a => a.SshKeys!.PublicKey = null, "application.ssh_keys.public_key", "ssh_keys.public_key is required" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_reports_path_and_message(string rule, Action<Application> change, string path, string message)
    {
        Assert.NotEmpty(rule);
        Fails(change, path, message);
    }

    [Fact]
    public void Full_config_is_valid_and_variants_stay_valid()
    {
        Assert.Empty(ValidateAfter(_ => { }));
        Assert.Empty(ValidateAfter(a => { a.Database!.Secrets.Clear(); a.Database.Url = "postgres://u:p@h/db"; }));
        Assert.Empty(ValidateAfter(a => { a.Servers.Remove("workers"); a.Servers["master"].Master = false; a.App.Remove("worker"); }));
        Assert.Empty(ValidateAfter(a => { a.App["web"].Subdomain = "@"; a.App["api"] = new AppService { Servers = ["master"], Domain = "example.com", Subdomain = "api", Port = 1 }; }));
        Assert.Empty(ValidateAfter(a => a.App["web"].Subdomain = "api.v2"));
        Assert.Empty(ValidateAfter(a => a.App["web"].Subdomain = "*"));
        // A sqlite file is shared by every app pod: the worker's 3 replicas go back to its default of 1.
        Assert.Empty(ValidateAfter(a => { a.Database!.Adapter = "SQLite3"; a.Database.Secrets.Clear(); a.App["worker"].Replicas = null; }));
        Assert.Empty(ValidateAfter(a => a.Database = null));
        Assert.Empty(ValidateAfter(a => a.K3s = new K3sConfig { Installer = new K3sInstallerConfig { Path = "vendor/k3s-install.sh", Sha256 = new string('F', 64) } }));
    }

    [Fact]
    public void All_errors_are_reported_together_with_lines()
    {
        var yaml = FullYaml
            .Replace("servers: [workers]", "servers: [workers, wrk]")
            .Replace("port: 6379", "port: 0")
            .Replace("name: myapp", "name: My_App")
            .Replace("size: 20", "size: 1");
        var loaded = ConfigLoader.Parse(yaml);
        var errors = ConfigValidator.Validate(loaded.Config, loaded);
        Assert.Equal(4, errors.Count);
        HasError(errors, "application.app.worker.servers[1]", "references undefined server 'wrk'");
        HasError(errors, "application.services.redis.port", "must be between 1 and 65535, got 0");
        HasError(errors, "application.name", ConfigRules.DnsLabelRule + ", got 'My_App'");
        HasError(errors, "application.servers.master.volumes.pgdata.size", "must be at least 10 (GB), got 1");
        Assert.Equal(2, errors.Single(e => e.Path == "application.name").Line);
        var serversLine = yaml.Split('\n').ToList().FindIndex(l => l.Contains("[workers, wrk]")) + 1;
        Assert.Equal(serversLine, errors.Single(e => e.Path.EndsWith("[1]")).Line);

        var ex = Assert.Throws<ConfigException>(() => ConfigValidator.EnsureValid(loaded.Config, loaded));
        Assert.Equal(4, ex.Message.Split(Environment.NewLine).Length);
        Assert.Contains($"application.app.worker.servers[1]: references undefined server 'wrk' (line {serversLine})", ex.Message);
    }

    [Fact]
    public void Validation_errors_never_echo_secret_values()
    {
        var errors = ValidateAfter(a => { a.DomainProvider!.Cloudflare!.AccountId = null; a.Database!.Secrets.Remove("POSTGRES_DB"); });
        var text = string.Join("\n", errors);
        Assert.DoesNotContain("cf-token", text);
        Assert.DoesNotContain("s3cret", text);
    }
}
