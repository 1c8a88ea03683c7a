using System.Text;
using Nvoi.Configuration;
using static Nvoi.Tests.Configuration.ConfigFixtures;

namespace Nvoi.Tests.Configuration;

public class ConfigLoaderTests
{
    [Fact]
    public void Full_config_binds_every_key()
    {
        var a = Full().Application;
        Assert.Equal("myapp", a.Name);
        Assert.Equal(3, a.KeepCount);
        Assert.Equal("cf-token", a.DomainProvider!.Cloudflare!.ApiToken);
        Assert.Equal("fsn1", a.ComputeProvider!.Hetzner!.ServerLocation);
        Assert.True(a.Servers["master"].Master);
        Assert.False(a.Servers["workers"].Master);
        Assert.Equal(2, a.Servers["workers"].Count);
        Assert.Equal(20, a.Servers["master"].Volumes["pgdata"].Size);
        Assert.Equal(["master", "workers"], a.Servers.Keys);
        var web = a.App["web"];
        Assert.Equal(["master"], web.Servers);
        Assert.Equal(3000, web.Port);
        Assert.Equal("bin/rails db:migrate", web.PreRunCommand);
        Assert.Equal(3, web.Healthcheck!.Retries);
        Assert.Equal("2", web.Env["WEB_CONCURRENCY"]);
        Assert.Equal("/app/public/uploads", web.Mounts["uploads"]);
        Assert.Equal("s3cret", a.Database!.Secrets["POSTGRES_PASSWORD"]);
        Assert.Equal("/data/app.db", a.Database.Path);
        Assert.Equal(6379, a.Services["redis"].Port);
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n", a.SshKeys!.PrivateKey);
        Assert.EndsWith("-----END OPENSSH PRIVATE KEY-----\n", a.SshKeys.PrivateKey);
        Assert.Equal("ssh-ed25519 AAAAhost", a.SshKeys.HostKeys["myapp-master-1"]);
        Assert.Empty(ConfigValidator.Validate(Full()));
    }

    [Fact]
    public void K3s_installer_binds_and_its_keys_are_checked()
    {
        var sha = new string('a', 64);
        var k3s = ConfigLoader.Load(FullYaml + $"\n  k3s:\n    installer:\n      path: vendor/k3s-install.sh\n      sha256: {sha}\n").Application.K3s;
        Assert.Equal(new K3sInstallerConfig { Path = "vendor/k3s-install.sh", Sha256 = sha }, k3s!.Installer);
        Assert.Null(Full().Application.K3s);
        HasError(LoadFails(FullYaml + "\n  k3s:\n    installer:\n      url: https://get.k3s.io\n").Errors, "application.k3s.installer.url", "unknown key 'url' (allowed: path, sha256)");
    }

    [Fact]
    public void Scalars_in_env_maps_become_text_and_defaults_apply()
    {
        var a = ConfigLoader.Load("""
            application:
              env: { PORT: 3000, DEBUG: true, RATIO: 1.5, EMPTY: , QUOTED: "x" }
              servers:
                workers:
                  volumes: { data: }
              compute_provider: { scaleway: { secret_key: k, project_id: p, server_type: DEV1-S } }
            """).Application;
        Assert.Equal(new Dictionary<string, string> { ["PORT"] = "3000", ["DEBUG"] = "true", ["RATIO"] = "1.5", ["EMPTY"] = "", ["QUOTED"] = "x" }, a.Env);
        Assert.Equal(1, a.Servers["workers"].CountValue);
        Assert.Equal(10, a.Servers["workers"].Volumes["data"].SizeValue);
        Assert.Equal("fr-par-1", a.ComputeProvider!.Scaleway!.ZoneValue);
    }

    [Fact]
    public void Wrong_type_names_path_and_value()
    {
        var e = LoadFails("application:\n  servers:\n    master:\n      count: \"abc\"\n");
        var error = Assert.Single(e.Errors);
        Assert.Equal("application.servers.master.count", error.Path);
        Assert.Equal("expected an integer, got \"abc\"", error.Message);
        Assert.Equal(4, error.Line);
        Assert.Equal("application.servers.master.count: expected an integer, got \"abc\" (line 4)", e.Message);
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
    }

    [Theory]
    [InlineData("application:\n  servers: [master]\n", "application.servers", "expected a mapping, got a list")]
    [InlineData("application:\n  app:\n    web:\n      servers: master\n", "application.app.web.servers", "expected a list of strings, got a string")]
    [InlineData("application:\n  app:\n    web:\n      servers: [master, {a: b}]\n", "application.app.web.servers[1]", "expected a string, got a mapping")]
    [InlineData("application:\n  app:\n    web:\n      port: 3.5\n", "application.app.web.port", "expected an integer, got \"3.5\"")]
    [InlineData("application:\n  servers:\n    m:\n      master: maybe\n", "application.servers.m.master", "expected true or false, got \"maybe\"")]
    [InlineData("application:\n  name: [a, b]\n", "application.name", "expected a string, got a list")]
    [InlineData("application:\n  env:\n    KEY: {nested: 1}\n", "application.env.KEY", "expected a string, got a mapping")]
    [InlineData("application:\n  domain_provider: cloudflare\n", "application.domain_provider", "expected a mapping, got a string")]
    [InlineData("- application\n", "", "expected a mapping, got a list")]
    public void Wrong_types(string yaml, string path, string message) => HasError(LoadFails(yaml).Errors, path, message);

    [Fact]
    public void Unknown_key_lists_allowed_keys()
    {
        var e = LoadFails("application:\n  app:\n    web:\n      prot: 3000\n");
        var error = Assert.Single(e.Errors);
        Assert.Equal("application.app.web.prot", error.Path);
        Assert.Equal("unknown key 'prot' (allowed: servers, domain, subdomain, port, command, pre_run_command, healthcheck, env, mounts, replicas, resources, crons)", error.Message);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void Unknown_root_key()
    {
        HasError(LoadFails("application: {}\napplicaton: {}\n").Errors, "applicaton", "unknown key 'applicaton' (allowed: application)");
    }

    [Fact]
    public void Malformed_yaml_reports_line_and_column()
    {
        var e = LoadFails("application:\n  name: myapp\n  env: [unclosed\n  secrets: {}\n");
        var error = Assert.Single(e.Errors);
        Assert.Equal("", error.Path);
        Assert.Equal("malformed YAML after line 3, column 8: unclosed bracket, brace or quote?", error.Message);
    }

    [Fact]
    public void Malformed_yaml_from_the_parser_keeps_its_position()
    {
        var error = Assert.Single(LoadFails("application:\n  name: \"open\n  env: {}\n").Errors);
        Assert.Matches(@"^malformed YAML at line \d+, column \d+: .+", error.Message);
        var error2 = Assert.Single(LoadFails("application:\n  name: a\n env: b\n").Errors);
        Assert.Matches(@"^malformed YAML at line 3, column \d+: .+", error2.Message);
    }

    [Fact]
    public void Tab_indentation_is_named()
    {
        var e = LoadFails("application:\n\tname: myapp\n");
        var error = Assert.Single(e.Errors);
        Assert.Equal("tab character in indentation; YAML indents with spaces", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Duplicate_keys_are_errors()
    {
        var e = LoadFails("application:\n  name: a\n  app:\n    web: {}\n    web: {}\n  name: b\n");
        HasError(e.Errors, "application.name", "duplicate key 'name'");
        HasError(e.Errors, "application.app.web", "duplicate key 'web'");
        Assert.Equal(2, e.Errors.Count);
        Assert.Equal(6, e.Errors.Single(x => x.Path == "application.name").Line);
    }

    [Fact]
    public void Huge_document_is_refused()
    {
        var yaml = "application:\n  name: " + new string('a', YamlTree.MaxBytes) + "\n";
        Assert.Equal("config is larger than 1024 KiB; refusing to read it", Assert.Single(LoadFails(yaml).Errors).Message);
        var bytes = Encoding.UTF8.GetBytes(yaml);
        Assert.Equal("config is larger than 1024 KiB; refusing to read it",
            Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(bytes)).Errors).Message);
    }

    [Theory]
    [InlineData(200_000)]
    [InlineData(40)]
    public void Deep_nesting_is_refused_without_overflowing_the_stack(int depth)
    {
        var yaml = "application:\n  env: " + new string('[', depth) + new string(']', depth) + "\n";
        var error = Assert.Single(LoadFails(yaml).Errors);
        Assert.Equal("YAML nested deeper than 32 levels", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Non_utf8_bytes_are_refused_with_offset()
    {
        var bytes = Encoding.UTF8.GetBytes("application:\n  name: caf").Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(bytes));
        var error = Assert.Single(e.Errors);
        Assert.Equal("config is not valid UTF-8 (invalid byte 0xE9 at offset 24)", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Utf8_bom_and_non_ascii_text_are_fine()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("application:\n  env: { GREETING: héllo }\n")).ToArray();
        Assert.Equal("héllo", ConfigLoader.Load(bytes).Application.Env["GREETING"]);
    }

    [Theory]
    [InlineData("", "config is empty; expected a mapping with the key 'application'")]
    [InlineData("# just a comment\n", "config is empty; expected a mapping with the key 'application'")]
    [InlineData("other: 1\n", "unknown key 'other' (allowed: application)")]
    [InlineData("application: {}\n---\napplication: {}\n", "expected a single YAML document, found another")]
    public void Empty_or_odd_documents(string yaml, string message) =>
        Assert.Contains(LoadFails(yaml).Errors, e => e.Message == message);

    [Fact]
    public void Missing_application_is_reported()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load("application:\n"));
        HasError(e.Errors, "application", "is required");
    }

    [Fact]
    public void Anchors_aliases_and_custom_tags_are_refused()
    {
        var e = LoadFails("application:\n  env: &e { A: b }\n  secrets: *e\n  name: !ruby/object x\n");
        HasError(e.Errors, "application.env", "anchors are not supported (&e)");
        HasError(e.Errors, "application.secrets", "aliases are not supported (*e)");
        HasError(e.Errors, "application.name", "unsupported tag !ruby/object");
    }

    [Fact]
    public void Many_errors_are_reported_together()
    {
        var e = LoadFails("""
            application:
              keep_count: many
              servers:
                master: { count: x, colour: red }
              app:
                web: { port: "http" }
            """);
        Assert.Equal(4, e.Errors.Count);
        HasError(e.Errors, "application.keep_count", "expected an integer, got \"many\"");
        HasError(e.Errors, "application.servers.master.count", "expected an integer, got \"x\"");
        HasError(e.Errors, "application.servers.master.colour", "unknown key 'colour' (allowed: master, type, location, count, volumes)");
        HasError(e.Errors, "application.app.web.port", "expected an integer, got \"http\"");
        Assert.Equal(4, e.Message.Split('\n').Length);
    }

    [Fact]
    public void Secret_values_never_appear_in_type_errors()
    {
        var e = LoadFails("application:\n  domain_provider:\n    cloudflare: supersecrettoken\n");
        Assert.DoesNotContain("supersecrettoken", e.Message);
    }
}
