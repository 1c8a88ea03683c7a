using System.Text.Json;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Dns.Tests;

/// <summary>The official `cloudflare` npm client, pointed at the emulator, parses every answer it gets.</summary>
public sealed class FidelityTests
{
    private static async Task<JsonElement> RunAsync(CloudflareFixture cf, string script)
    {
        var (exit, json, stderr) = await NodeScript.RunAsync(script, new Dictionary<string, string>
        {
            ["CF_BASE_URL"] = cf.Host.BaseUrl.ToString(),
            ["CF_TOKEN"] = "fidelity-token",
            ["CF_ACCOUNT_ID"] = cf.Emulator.AccountId,
        });
        Assert.True(exit == 0, $"node {script} exited with {exit}: {stderr}");
        Assert.NotNull(json);
        return json.Value;
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static void AssertFailure(JsonElement e, string type, int status, int code)
    {
        Assert.Equal(type, e.GetProperty("type").GetString());
        Assert.Equal(status, e.GetProperty("status").GetInt32());
        Assert.Equal(code, e.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Official_client_verifies_the_token_and_pages_through_zones()
    {
        var names = Enumerable.Range(1, 45).Select(i => $"z{i:00}.example").ToArray();
        await using var cf = await CloudflareFixture.StartAsync(null, names);

        var result = await RunAsync(cf, "zones.mjs");

        Assert.Equal("active", result.GetProperty("token_status").GetString());
        Assert.Equal(names.Order(), Strings(result.GetProperty("zones")).Order());
        var first = result.GetProperty("first_page");
        Assert.Equal((20, 1, 20, 3, 45), (first.GetProperty("count").GetInt32(), first.GetProperty("page").GetInt32(),
            first.GetProperty("per_page").GetInt32(), first.GetProperty("total_pages").GetInt32(), first.GetProperty("total_count").GetInt32()));
        Assert.True(result.GetProperty("get").GetProperty("matches").GetBoolean());
        Assert.Equal("active", result.GetProperty("get").GetProperty("status").GetString());
        AssertFailure(result.GetProperty("invalid_token"), "AuthenticationError", 401, 10000);
        AssertFailure(result.GetProperty("invalid_verify"), "AuthenticationError", 401, 1000);
    }

    [Fact]
    public async Task Official_client_creates_lists_updates_and_deletes_dns_records()
    {
        await using var cf = await CloudflareFixture.StartAsync();

        var r = await RunAsync(cf, "dns.mjs");

        var apex = r.GetProperty("apex");
        Assert.Equal("example.com", apex.GetProperty("name").GetString());
        Assert.Equal("CNAME", apex.GetProperty("type").GetString());
        Assert.True(apex.GetProperty("proxied").GetBoolean());
        Assert.Equal(1, apex.GetProperty("ttl").GetInt32());
        Assert.Equal("*.example.com", r.GetProperty("wildcard").GetString());
        Assert.Equal(300, r.GetProperty("a").GetProperty("ttl").GetInt32());
        AssertFailure(r.GetProperty("conflict"), "BadRequestError", 400, 81053);
        Assert.Equal(
            ["A api.example.com 198.51.100.4",
             "CNAME *.example.com 6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com",
             "CNAME example.com 6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com"],
            Strings(r.GetProperty("all")));
        Assert.Equal(["*.example.com"], Strings(r.GetProperty("by_name")));
        Assert.True(r.GetProperty("got").GetBoolean());
        var updated = r.GetProperty("updated");
        Assert.True(updated.GetProperty("id_kept").GetBoolean());
        Assert.Equal("198.51.100.5", updated.GetProperty("content").GetString());
        Assert.True(r.GetProperty("deleted").GetBoolean());
        Assert.Equal(["api.example.com", "example.com"], Strings(r.GetProperty("after")));
        AssertFailure(r.GetProperty("no_permission"), "PermissionDeniedError", 403, 10000);
    }

    [Fact]
    public async Task Official_client_drives_a_tunnel_from_create_to_delete()
    {
        await using var cf = await CloudflareFixture.StartAsync();

        var r = await RunAsync(cf, "tunnel.mjs");

        var created = r.GetProperty("created");
        var id = created.GetProperty("id").GetString()!;
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal(("shop-production", "cloudflare", "cfd_tunnel"), (created.GetProperty("name").GetString(),
            created.GetProperty("config_src").GetString(), created.GetProperty("tun_type").GetString()));
        Assert.True(created.GetProperty("remote_config").GetBoolean());
        AssertFailure(r.GetProperty("duplicate"), "ConflictError", 409, 1013);
        Assert.Equal([id], Strings(r.GetProperty("listed")));
        Assert.Equal("inactive", r.GetProperty("got").GetProperty("status").GetString());
        var token = r.GetProperty("token");
        Assert.Equal((cf.Emulator.AccountId, id, 32), (token.GetProperty("a").GetString(), token.GetProperty("t").GetString(), token.GetProperty("secret_bytes").GetInt32()));
        Assert.Equal(1, r.GetProperty("put").GetProperty("version").GetInt32());
        Assert.Equal(id, r.GetProperty("put").GetProperty("tunnel_id").GetString());
        Assert.Equal("cloudflare", r.GetProperty("put").GetProperty("source").GetString());
        var read = r.GetProperty("read");
        Assert.Equal(1, read.GetProperty("version").GetInt32());
        var ingress = read.GetProperty("ingress").EnumerateArray().ToArray();
        Assert.Equal(3, ingress.Length);
        Assert.Equal("*.example.com", ingress[1].GetProperty("hostname").GetString());
        Assert.Equal("example.com", ingress[1].GetProperty("originRequest").GetProperty("httpHostHeader").GetString());
        Assert.Equal("http_status:404", ingress[2].GetProperty("service").GetString());
        Assert.False(ingress[2].TryGetProperty("hostname", out _));
        AssertFailure(r.GetProperty("invalid"), "BadRequestError", 400, 1055);
        Assert.Equal(id, r.GetProperty("deleted").GetProperty("id").GetString());
        Assert.True(r.GetProperty("deleted").GetProperty("has_deleted_at").GetBoolean());
        Assert.Equal(0, r.GetProperty("live").GetInt32());
        Assert.Equal([id], Strings(r.GetProperty("gone")));
        AssertFailure(r.GetProperty("no_permission"), "PermissionDeniedError", 403, 10000);
    }

    [Fact]
    public void The_emulator_is_registered_for_the_sandbox()
    {
        var emulator = Assert.Single(Nvoi.Sandbox.SandboxEmulators.Create(new EmulatorOptions()), e => e.Key == "cloudflare");
        Assert.Equal("/client/v4", emulator.BasePath);
    }
}
