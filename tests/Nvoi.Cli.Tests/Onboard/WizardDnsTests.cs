using Nvoi.Dns;

namespace Nvoi.Cli.Tests.Onboard;

/// <summary>Subdomains are checked free in the emulated Cloudflare DNS before they are accepted.</summary>
public sealed class WizardDnsTests(EmulatorFixture emulators) : IClassFixture<EmulatorFixture>
{
    private async Task AddRecordAsync(string zoneName, string name)
    {
        using var cf = new CloudflareClient(new CloudflareSettings("seed-token", Answers.AccountId) { BaseUrl = emulators.Endpoints.Cloudflare! });
        var zone = (await cf.ListZonesAsync(default)).Single(z => z.Name == zoneName);
        await cf.CreateDnsRecordAsync(zone, new DnsRecordSpec("A", name, "192.0.2.10", Proxied: false), default);
    }

    [Fact]
    public async Task A_taken_subdomain_is_refused_and_asked_again()
    {
        await AddRecordAsync("example.com", "taken.example.com");
        using var run = new WizardRun(emulators.Endpoints);
        run.Script.Type("dnsapp").HetznerCompute().Cloudflare()
            .Enter().Enter().Type("8080").Choose("example.com").Type("taken").Type("free").Enter()
            .Enter().Choose("None").Choose("Done").Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        Assert.Contains("taken.example.com already has a DNS record; choose another subdomain", run.Screen);
        Assert.Equal("free", run.LoadSaved().Application.App["web"].Subdomain);
    }

    [Fact]
    public async Task The_apex_checks_the_domain_and_its_wildcard()
    {
        await AddRecordAsync("example.co.uk", "*.example.co.uk");
        using var run = new WizardRun(emulators.Endpoints);
        run.Script.Type("apexapp").HetznerCompute().Cloudflare()
            .Enter().Enter().Type("80").Choose("example.co.uk").Enter().Type("shop").Enter()
            .Enter().Choose("None").Choose("Done").Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        Assert.Contains("Checking example.co.uk and *.example.co.uk in DNS", run.Screen);
        Assert.Contains("*.example.co.uk already has a DNS record", run.Screen);
        var web = run.LoadSaved().Application.App["web"];
        Assert.Equal(("example.co.uk", "shop"), (web.Domain, web.Subdomain));
    }

    [Fact]
    public async Task Two_apps_cannot_share_a_hostname_and_a_worker_is_not_asked_for_a_domain()
    {
        using var run = new WizardRun(emulators.Endpoints);
        run.Script.Type("twoapps").HetznerCompute().Cloudflare()
            .WebApp("api").Type("y")
            .Type("admin").Enter().Type("4000").Choose("example.com").Type("api").Type("admin").Enter().Type("y")
            .Type("jobs").Enter().Enter().Enter().Enter()
            .Choose("None").Choose("Done").Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        Assert.Contains("api.example.com is already used by the app web", run.Screen);
        var apps = run.LoadSaved().Application.App;
        Assert.Equal(["web", "admin", "jobs"], apps.Keys);
        Assert.Equal("admin", apps["admin"].Subdomain);
        Assert.Null(apps["jobs"].Domain);
    }

    [Fact]
    public async Task A_bad_subdomain_is_refused_as_typed()
    {
        using var run = new WizardRun(emulators.Endpoints);
        run.Script.Type("badsub").HetznerCompute().Cloudflare()
            .Enter().Enter().Type("99999").Type("3000").Choose("example.com").Type("Bad_Name").Type("good").Enter()
            .Enter().Choose("None").Choose("Done").Choose("Save");

        Assert.True((await run.RunAsync()).Saved);
        Assert.Contains("the port must be a number from 1 to 65535", run.Screen);
        Assert.Contains("'Bad_Name' is not a subdomain", run.Screen);
        Assert.Equal("good", run.LoadSaved().Application.App["web"].Subdomain);
    }
}
