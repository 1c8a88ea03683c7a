using Nvoi.Configuration;
using static Nvoi.Tests.Configuration.ConfigFixtures;

namespace Nvoi.Tests.Configuration;

public sealed class ConfigSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nvoi-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Dictionary<string, string> Vars = new()
    {
        ["CF_TOKEN"] = "tok-from-env", ["COUNT"] = "3", ["EMPTY"] = "", ["HOST"] = "www",
    };

    private static string? Lookup(string name) => Vars.GetValueOrDefault(name);

    [Fact]
    public void Yaml_file_expands_variables()
    {
        var path = Path.Combine(_dir, "deploy.yml");
        File.WriteAllText(path, FullYaml
            .Replace("api_token: cf-token", "api_token: $CF_TOKEN")
            .Replace("count: 2", "count: ${COUNT}")
            .Replace("subdomain: www", "subdomain: \"${HOST}\"")
            .Replace("RAILS_ENV: production", "RAILS_ENV: pro$$duction$EMPTY"));
        var a = ConfigSource.Load(path, Lookup).Application;
        Assert.Equal("tok-from-env", a.DomainProvider!.Cloudflare!.ApiToken);
        Assert.Equal(3, a.Servers["workers"].Count);
        Assert.Equal("www", a.App["web"].Subdomain);
        Assert.Equal("pro$duction", a.Env["RAILS_ENV"]);
    }

    [Fact]
    public void Unset_variable_names_variable_and_path()
    {
        var path = Path.Combine(_dir, "deploy.yaml");
        File.WriteAllText(path, FullYaml.Replace("account_id: cf-account", "account_id: ${CF_ACCOUNT}").Replace("RAILS_ENV: production", "RAILS_ENV: $NOPE"));
        var e = Assert.Throws<ConfigException>(() => ConfigSource.Load(path, Lookup));
        Assert.Equal(2, e.Errors.Count);
        Assert.Equal("application.domain_provider.cloudflare.account_id: environment variable 'CF_ACCOUNT' is not set (line 8)", e.Errors[0].ToString());
        Assert.Equal("application.env.RAILS_ENV", e.Errors[1].Path);
        Assert.Equal("environment variable 'NOPE' is not set", e.Errors[1].Message);
    }

    [Theory]
    [InlineData("a ${unclosed", "unterminated ${ in value")]
    [InlineData("a ${1BAD}", "invalid variable name '${1BAD}'")]
    public void Bad_variable_syntax(string value, string message)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigSource.FromText(FullYaml.Replace("RAILS_ENV: production", $"RAILS_ENV: \"{value}\""), Lookup));
        HasError(e.Errors, "application.env.RAILS_ENV", message);
    }

    [Fact]
    public void Lone_dollars_stay_and_keys_are_not_expanded()
    {
        var a = ConfigLoader.Parse(FullYaml.Replace("RAILS_ENV: production", "$KEY: \"cost $5 $\""), Lookup).Config.Application;
        Assert.Equal("cost $5 $", a.Env["$KEY"]);
    }

    [Fact]
    public void Encrypted_files_go_through_the_supplied_decryption_without_expansion()
    {
        var path = Path.Combine(_dir, "deploy.enc");
        var seen = "";
        var config = ConfigSource.Load(path, _ => throw new InvalidOperationException("no env lookups for deploy.enc"),
            p => { seen = p; return FullYaml.Replace("RAILS_ENV: production", "RAILS_ENV: $$literal"); });
        Assert.Equal(path, seen);
        Assert.Equal("$$literal", config.Application.Env["RAILS_ENV"]);
        var e = Assert.Throws<ConfigException>(() => ConfigSource.Load(path, Lookup));
        Assert.Contains("no decryption was supplied", e.Message);
    }

    [Fact]
    public void Load_validates_and_applies_the_branch()
    {
        var path = Path.Combine(_dir, "deploy.yml");
        File.WriteAllText(path, FullYaml);
        Assert.Equal("myapp-pr-7", ConfigSource.Load(path, Lookup, branch: "pr-7").Application.Name);
        File.WriteAllText(path, FullYaml.Replace("port: 6379", "port: 0"));
        var e = Assert.Throws<ConfigException>(() => ConfigSource.Load(path, Lookup));
        Assert.Equal("application.services.redis.port", Assert.Single(e.Errors).Path);
        Assert.Throws<ConfigException>(() => ConfigSource.Load(path, Lookup, branch: "BAD"));
    }

    [Theory]
    [InlineData("name: myapp", "name: \"myapp; rm -rf ~\"", "application.name")]
    [InlineData("    redis:", "    \"redis$(id)\":", "application.services.redis$(id)")]
    [InlineData("    worker:", "    \"worker`reboot`\":", "application.app.worker`reboot`")]
    [InlineData("    workers:\n      type: cx22", "    \"workers|sh\":\n      type: cx22", "application.servers.workers|sh")]
    public void Shell_metacharacters_in_names_are_dns_label_errors(string from, string to, string path)
    {
        var yaml = FullYaml.Replace(from, to);
        Assert.NotEqual(FullYaml, yaml);
        var e = Assert.Throws<ConfigException>(() => ConfigSource.FromText(yaml));
        Assert.Contains(e.Errors, x => x.Path == path && x.Message.Contains(ConfigRules.DnsLabelRule));
    }

    [Fact]
    public void Missing_or_non_utf8_file()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigSource.Load(Path.Combine(_dir, "missing.yml"), Lookup));
        Assert.StartsWith("cannot read ", e.Message);
        var path = Path.Combine(_dir, "latin1.yml");
        File.WriteAllBytes(path, [(byte)'a', (byte)':', (byte)' ', 0xFF, (byte)'\n']);
        Assert.Contains("not valid UTF-8", Assert.Throws<ConfigException>(() => ConfigSource.Load(path, Lookup)).Message);
    }
}
