using CsCheck;
using Nvoi.Configuration;
using static Nvoi.Tests.Configuration.ConfigFixtures;

namespace Nvoi.Tests.Configuration;

public class ConfigWriterTests
{
    [Fact]
    public void Full_config_round_trips()
    {
        var config = Full();
        var yaml = ConfigWriter.Write(config);
        Assert.Equal(Canonical(config), Canonical(ConfigLoader.Load(yaml)));
        Assert.Equal(yaml, ConfigWriter.Write(ConfigLoader.Load(yaml)));
    }

    [Fact]
    public void Output_is_block_style_snake_case_with_literal_private_key()
    {
        var yaml = ConfigWriter.Write(Full());
        Assert.StartsWith("application:\n  name: myapp\n  environment: production\n  keep_count: 3\n  domain_provider:\n    cloudflare:\n      api_token: cf-token\n", yaml);
        Assert.Contains("\n    private_key: |\n      -----BEGIN OPENSSH PRIVATE KEY-----\n", yaml);
        Assert.Contains("      pre_run_command: bin/rails db:migrate\n", yaml);
        Assert.Contains("      servers:\n      - master\n", yaml);
        Assert.Contains("        WEB_CONCURRENCY: \"2\"\n", yaml);
        Assert.DoesNotContain("{", yaml);
        Assert.DoesNotContain("master: false", yaml);
    }

    [Fact]
    public void Nulls_and_empty_maps_are_omitted_but_empty_objects_kept()
    {
        var config = new DeployConfig
        {
            Application = new Application
            {
                Name = "a",
                DomainProvider = new DomainProvider(),
                Servers = { ["master"] = new ServerGroup() },
            },
        };
        var yaml = ConfigWriter.Write(config);
        Assert.Equal("application:\n  name: a\n  domain_provider: {}\n  servers:\n    master: {}\n", yaml);
        Assert.Equal(Canonical(config), Canonical(ConfigLoader.Load(yaml)));
    }

    [Theory]
    [InlineData("yes")] [InlineData("No")] [InlineData("on")] [InlineData("true")] [InlineData("null")] [InlineData("~")]
    [InlineData("")] [InlineData("0123")] [InlineData("1e3")] [InlineData("-1")] [InlineData(".5")] [InlineData(".inf")]
    [InlineData("2025-01-01")] [InlineData("a: b")] [InlineData("# not a comment")] [InlineData(" padded ")]
    [InlineData("line1\nline2\n")] [InlineData("no trailing\nnewline")] [InlineData("quote\"and'apostrophe")]
    [InlineData("$HOME")] [InlineData("- dash")] [InlineData("@at")] [InlineData("*star")] [InlineData("&amp")]
    [InlineData("tab\there")] [InlineData("trailing space \nline")] [InlineData("ünïcödé ✓")] [InlineData("=")] [InlineData("<<")]
    public void Awkward_strings_survive(string value)
    {
        var config = new DeployConfig { Application = new Application { Name = value, Env = { ["K"] = value, [value] = "key" } } };
        config.Application.SshKeys = new SshKeys { PrivateKey = value };
        var yaml = ConfigWriter.Write(config);
        var back = ConfigLoader.Load(yaml).Application;
        Assert.Equal(value, back.Name);
        Assert.Equal(value, back.Env["K"]);
        Assert.Equal("key", back.Env[value]);
        Assert.Equal(value, back.SshKeys!.PrivateKey);
    }

    [Fact]
    public void Random_configs_round_trip()
    {
        var text = Gen.String[Gen.Char[' ', '~'], 0, 12].Select(Gen.String[Gen.Char["\n\t:#-?{}[]'\"yesnoulT0123456789.+~"], 0, 4], (a, b) => a + b);
        var map = Gen.Dictionary(text, text)[0, 4];
        var gen = Gen.Select(text, Gen.Int.Nullable(), map, map, Gen.Bool, text.Null())
            .Select(t => new DeployConfig
            {
                Application = new Application
                {
                    Name = t.Item1, KeepCount = t.Item2, Env = t.Item3, Secrets = t.Item4,
                    Servers = { [t.Item1] = new ServerGroup { Master = t.Item5, Type = t.Item6, Count = t.Item2 } },
                    App = { ["web"] = new AppService { Servers = [t.Item1, t.Item1 + "x"], Subdomain = t.Item6, Mounts = t.Item3 } },
                    SshKeys = new SshKeys { PrivateKey = t.Item1 + "\n" + t.Item6, HostKeys = t.Item4 },
                },
            });
        gen.Sample(config =>
        {
            var yaml = ConfigWriter.Write(config);
            Assert.Equal(Canonical(config), Canonical(ConfigLoader.Load(yaml)));
        }, iter: 500);
    }
}
