using Nvoi.Configuration;
using static Nvoi.Tests.Configuration.ConfigFixtures;

namespace Nvoi.Tests.Configuration;

public class BranchOverrideTests
{
    [Fact]
    public void Prefixes_name_and_subdomains_without_touching_the_input()
    {
        var original = Full();
        original.Application.App["apex"] = new AppService { Servers = ["master"], Domain = "example.org", Subdomain = "@", Port = 80 };
        original.Application.App["bare"] = new AppService { Servers = ["master"], Domain = "example.net", Port = 80 };
        original.Application.App["empty"] = new AppService { Servers = ["master"], Domain = "example.io", Subdomain = "", Port = 80 };
        var before = Canonical(original);

        var branched = BranchOverride.Apply(original, "feat-1");

        Assert.Equal(before, Canonical(original));
        var a = branched.Application;
        Assert.Equal("myapp-feat-1", a.Name);
        Assert.Equal("feat-1-www", a.App["web"].Subdomain);
        Assert.Equal("feat-1", a.App["apex"].Subdomain);
        Assert.Equal("feat-1", a.App["bare"].Subdomain);
        Assert.Equal("feat-1", a.App["empty"].Subdomain);
        Assert.Equal("feat-1.example.org", Names.Hostname(a.App["apex"].Subdomain, "example.org"));
        Assert.Empty(ConfigValidator.Validate(branched));
        Assert.Equal("myapp-feat-1-master-1", new Names(a.Name!).Server("master", 1));
    }

    [Theory]
    [InlineData("Feat", "invalid branch format (lowercase alphanumeric and hyphens only)")]
    [InlineData("feat/x", "invalid branch format (lowercase alphanumeric and hyphens only)")]
    [InlineData("x;rm -rf", "invalid branch format (lowercase alphanumeric and hyphens only)")]
    [InlineData("", "--branch value required")]
    [InlineData("-feat", "invalid branch: " + ConfigRules.DnsLabelRule)]
    public void Rejects_bad_branches(string branch, string message)
    {
        var e = Assert.Throws<ConfigException>(() => BranchOverride.Apply(Full(), branch));
        Assert.Equal(new ConfigError("--branch", message), Assert.Single(e.Errors));
    }

    [Fact]
    public void Rejects_a_branch_longer_than_a_dns_label()
    {
        var e = Assert.Throws<ConfigException>(() => BranchOverride.ValidateBranch(new string('b', 64)));
        Assert.Equal("--branch", Assert.Single(e.Errors).Path);
        BranchOverride.ValidateBranch(new string('b', 63));
    }

    [Fact]
    public void Wildcard_subdomain_cannot_be_branched()
    {
        var config = Full();
        config.Application.App["web"].Subdomain = "*";
        var e = Assert.Throws<ConfigException>(() => BranchOverride.Apply(config, "x"));
        Assert.Equal("application.app.web.subdomain", Assert.Single(e.Errors).Path);
    }

    [Fact]
    public void Overlong_branched_name_is_caught_by_validation()
    {
        var config = Full();
        config.Application.Name = new string('a', 60);
        var errors = ConfigValidator.Validate(BranchOverride.Apply(config, "feature"));
        Assert.Contains(errors, e => e.Path == "application.name");
    }
}
