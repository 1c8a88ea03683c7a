using Nvoi.Sandbox.Cloudflare;

namespace Nvoi.Dns.Tests;

public sealed class ErrorTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_valid_token_verifies_and_has_access()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client("good-token");

        var status = await client.VerifyTokenAsync(Ct);
        await client.VerifyAccessAsync(Ct);

        Assert.Equal("active", status.Status);
        Assert.Matches("^[0-9a-f]{32}$", status.Id);
    }

    [Fact]
    public async Task An_invalid_token_is_an_auth_error_that_does_not_show_the_token()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client(CloudflareEmulator.InvalidToken);

        var verify = await Assert.ThrowsAsync<CloudflareAuthException>(() => client.VerifyTokenAsync(Ct));
        var list = await Assert.ThrowsAsync<CloudflareAuthException>(() => client.ListZonesAsync(Ct));

        Assert.Equal((401, 1000), (verify.StatusCode, verify.Code));
        Assert.Equal(10000, list.Code);
        Assert.IsNotType<CloudflarePermissionException>(verify);
        Assert.Equal(ExitCodes.InvalidInput, verify.ExitCode);
        Assert.Contains("invalid", verify.Message);
        Assert.DoesNotContain("Bearer", verify.Message);
        Assert.Single(cf.Sent("GET", "/user/tokens/verify")); // 401 is not retried
    }

    [Fact]
    public async Task A_token_without_auth_header_is_refused()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(cf.Host.BaseUrl + "/zones"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("9106", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(CloudflareEmulator.NoTunnelPermissionToken, CloudflarePermissions.TunnelEdit)]
    [InlineData(CloudflareEmulator.NoDnsPermissionToken, CloudflarePermissions.DnsEdit)]
    public async Task A_missing_permission_is_named(string token, string permission)
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client(token);

        await client.VerifyTokenAsync(Ct); // the token itself is fine
        var e = await Assert.ThrowsAsync<CloudflarePermissionException>(() => client.VerifyAccessAsync(Ct));

        Assert.Equal(permission, e.Permission);
        Assert.Equal(403, e.StatusCode);
        Assert.Contains(permission, e.Message);
        Assert.DoesNotContain(token, e.Message);
    }

    [Fact]
    public async Task A_wrong_account_is_a_tunnel_permission_error()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client(accountId: "ffffffffffffffffffffffffffffffff");

        var e = await Assert.ThrowsAsync<CloudflarePermissionException>(() => client.FindTunnelAsync("x", Ct));
        Assert.Equal(CloudflarePermissions.TunnelEdit, e.Permission);
    }

    [Fact]
    public async Task Rate_limits_are_retried_after_the_time_cloudflare_asks()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        cf.Emulator.RateLimitNext(2);

        var zones = await client.ListZonesAsync(Ct);

        Assert.Equal(2, zones.Count);
        Assert.Equal(3, cf.Sent("GET", "/zones").Length);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], cf.Time.Delays);
    }

    [Fact]
    public async Task A_create_refused_by_rate_limit_is_retried_once_it_is_lifted()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        cf.Emulator.RateLimitNext(1);

        await client.CreateTunnelAsync("rl", Ct);

        Assert.Equal(2, cf.Sent("POST", "/cfd_tunnel").Length);
        Assert.Single(await client.ListTunnelsAsync("rl", null, Ct));
    }

    [Fact]
    public async Task A_rate_limit_that_lasts_ends_in_a_typed_error()
    {
        await using var cf = await CloudflareFixture.StartAsync();
        using var client = cf.Client();
        cf.Emulator.RateLimitNext(1000);

        var e = await Assert.ThrowsAsync<CloudflareApiException>(() => client.ListZonesAsync(Ct));

        Assert.Equal((429, 971), (e.StatusCode, e.Code));
        Assert.Equal(7, cf.Sent("GET", "/zones").Length); // first try + 6 retries
        Assert.StartsWith("cloudflare: GET /zones failed", e.Message);
    }

    [Fact]
    public void Base_url_comes_from_the_environment()
    {
        var before = Environment.GetEnvironmentVariable(CloudflareSettings.BaseUrlVariable);
        try
        {
            Environment.SetEnvironmentVariable(CloudflareSettings.BaseUrlVariable, "http://127.0.0.1:1234/client/v4");
            Assert.Equal(new Uri("http://127.0.0.1:1234/client/v4"), new CloudflareSettings("t", "a").BaseUrl);
            Environment.SetEnvironmentVariable(CloudflareSettings.BaseUrlVariable, null);
            Assert.Equal(new Uri("https://api.cloudflare.com/client/v4"), new CloudflareSettings("t", "a").BaseUrl);
            Assert.DoesNotContain("secret-token", new CloudflareSettings("secret-token", "a").ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(CloudflareSettings.BaseUrlVariable, before);
        }
    }
}

public sealed class SettingsTests
{
    [Theory]
    [InlineData(null, "acc", "api_token")]
    [InlineData("tok", " ", "account_id")]
    public void A_missing_config_field_is_named(string? token, string? account, string field)
    {
        var e = Assert.Throws<CloudflareConfigException>(() =>
            CloudflareSettings.FromConfig(new Configuration.CloudflareConfig { ApiToken = token, AccountId = account }));
        Assert.Equal($"config: application.domain_provider.cloudflare.{field} is required", e.Message);
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
    }

    [Fact]
    public void Settings_come_from_the_config()
    {
        var settings = CloudflareSettings.FromConfig(new Configuration.CloudflareConfig { ApiToken = " tok ", AccountId = "acc" });
        Assert.Equal("acc", settings.AccountId);
        Assert.Equal("tok", settings.ApiToken);
    }
}
