using System.Security.Cryptography;
using System.Text;
using Nvoi.Configuration;

namespace Nvoi.Tests.Configuration;

public class NamesTests
{
    [Fact]
    public void Resource_names_match_nvoi_0_2_0()
    {
        var n = new Names("myapp");
        Assert.Equal("nvoi-myapp", n.Prefix);
        Assert.Equal("myapp-master-1", n.Server("master", 1));
        Assert.Equal("nvoi-myapp-firewall", n.Firewall);
        Assert.Equal("nvoi-myapp-network", n.Network);
        Assert.Equal("myapp-master-pgdata", n.ServerVolume("master", "pgdata"));
        Assert.Equal("/opt/nvoi/volumes/myapp-master-pgdata", n.ServerVolumeHostPath("master", "pgdata"));
        Assert.Equal("myapp-web", n.AppDeployment("web"));
        Assert.Equal("myapp-web", n.AppService("web"));
        Assert.Equal("myapp-web", n.AppIngress("web"));
        Assert.Equal("app-secret-myapp", n.AppSecret);
        Assert.Equal("db-myapp", n.Database);
        Assert.Equal("db-myapp-0", n.DatabasePod);
        Assert.Equal("db-secret-myapp", n.DatabaseSecret);
        Assert.Equal("data-db-myapp-0", n.DatabasePvc);
        Assert.Equal("myapp-redis", n.ExtraService("redis"));
        Assert.Equal("nvoi-myapp-web", n.Tunnel("web"));
        Assert.Equal("cloudflared-web", n.Cloudflared("web"));
        Assert.Equal("nvoi-myapp:20250101120000", n.Image("20250101120000"));
        Assert.Equal("nvoi-myapp:latest", n.LatestImage);
        Assert.Equal("localhost:30500/nvoi-myapp:20250101120000", n.ClusterImage("20250101120000"));
        Assert.Equal("/tmp/nvoi-deploy-nvoi-myapp.lock", n.DeployLockPath);
        Assert.Equal("/mnt/db-branches/myapp", n.DbBranchesDir);
    }

    [Fact]
    public void Prefix_of_exactly_63_characters_is_kept()
    {
        var app = new string('a', 58);
        Assert.Equal("nvoi-" + app, new Names(app).Prefix);
    }

    [Fact]
    public void Long_prefix_is_cut_to_54_characters_plus_8_hex_of_its_sha256()
    {
        var app = new string('b', 59);
        var full = "nvoi-" + app;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..8];
        var prefix = new Names(app).Prefix;
        Assert.Equal(63, prefix.Length);
        Assert.Equal(full[..54] + "-" + hash, prefix);
    }

    [Theory]
    [InlineData("", "example.com", new[] { "example.com", "*.example.com" })]
    [InlineData("@", "example.com", new[] { "example.com", "*.example.com" })]
    [InlineData(null, "example.com", new[] { "example.com", "*.example.com" })]
    [InlineData("www", "example.com", new[] { "www.example.com" })]
    [InlineData("*", "example.com", new[] { "*.example.com" })]
    public void Hostnames_expand_the_apex_to_domain_and_wildcard(string? sub, string domain, string[] expected) =>
        Assert.Equal(expected, Names.Hostnames(sub, domain));
}

public class ModelPrintingTests
{
    [Fact]
    public void Printing_a_config_never_shows_a_secret_value()
    {
        var config = new DeployConfig
        {
            Application = new Application
            {
                Name = "myapp",
                DomainProvider = new DomainProvider { Cloudflare = new CloudflareConfig { ApiToken = "cf-secret-1", AccountId = "acc" } },
                ComputeProvider = new ComputeProvider
                {
                    Hetzner = new HetznerConfig { ApiToken = "hz-secret-2" },
                    Aws = new AwsConfig { AccessKeyId = "aws-secret-3", SecretAccessKey = "aws-secret-4" },
                    Scaleway = new ScalewayConfig { SecretKey = "scw-secret-5" },
                },
                Database = new Database { Url = "postgres://u:db-secret-6@h/db", Secrets = { ["POSTGRES_PASSWORD"] = "db-secret-7" } },
                Secrets = { ["API"] = "app-secret-8" },
                SshKeys = new SshKeys { PrivateKey = "-----BEGIN OPENSSH PRIVATE KEY-----key-secret-9", PublicKey = "ssh-ed25519 AAAA" },
            },
        };
        var text = config.ToString();
        Assert.Contains("myapp", text);
        for (var i = 1; i <= 9; i++) Assert.DoesNotContain($"secret-{i}", text);
    }
}
