using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.Hetzner;

namespace Nvoi.Cloud.Tests.Hetzner;

/// <summary>The emulator's wire format, checked with raw HTTP.</summary>
public sealed class HetznerEmulatorTests : IAsyncLifetime
{
    private EmulatorHost _host = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _host = await EmulatorHost.StartAsync(new HetznerEmulator(new EmulatorOptions()), new EmulatorOptions());
        _http.BaseAddress = new Uri(_host.BaseUrl.AbsoluteUri + "/");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    private static void AssertError(JsonNode? body, string code) => Assert.Equal(code, body!["error"]!["code"]!.GetValue<string>());

    [Fact]
    public async Task Errors_use_the_hetzner_body_and_status()
    {
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        var denied = await anonymous.GetAsync("servers");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        AssertError(JsonNode.Parse(await denied.Content.ReadAsStringAsync()), "unauthorized");

        var missing = await Send(HttpMethod.Get, "servers/123");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        AssertError(missing.Body, "not_found");

        var bad = await Send(HttpMethod.Post, "firewalls", """{"name":"fw","rules":[{"direction":"in","protocol":"tcp","source_ips":["0.0.0.0/0"]}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        AssertError(bad.Body, "invalid_input");
        Assert.Equal("rules.port", bad.Body!["error"]!["details"]!["fields"]![0]!["name"]!.GetValue<string>());

        var json = await Send(HttpMethod.Post, "networks", "{not json");
        AssertError(json.Body, "json_error");

        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Post, "networks", """{"name":"n","ip_range":"10.0.0.0/16"}""")).Status);
        var duplicate = await Send(HttpMethod.Post, "networks", """{"name":"n","ip_range":"10.0.0.0/16"}""");
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        AssertError(duplicate.Body, "uniqueness_error");

        var wrongType = await Send(HttpMethod.Post, "networks", """{"name":"m","ip_range":"10.0.0.0/16","labels":{"a":1}}""");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.Status);
    }

    [Fact]
    public async Task Lists_paginate_with_meta_and_filter_by_name_and_label()
    {
        for (var i = 0; i < 30; i++)
            await Send(HttpMethod.Post, "networks", $$$"""{"name":"net-{{{i}}}","ip_range":"10.{{{i}}}.0.0/16","labels":{"tier":"{{{(i % 2 == 0 ? "even" : "odd")}}}"}}""");
        var first = (await Send(HttpMethod.Get, "networks")).Body!;
        Assert.Equal(25, first["networks"]!.AsArray().Count);
        var meta = first["meta"]!["pagination"]!;
        Assert.Equal((1, 25, 2, 2, 30), (meta["page"]!.GetValue<int>(), meta["per_page"]!.GetValue<int>(), meta["next_page"]!.GetValue<int>(), meta["last_page"]!.GetValue<int>(), meta["total_entries"]!.GetValue<int>()));
        Assert.Null(meta["previous_page"]);
        var last = (await Send(HttpMethod.Get, "networks?page=2&per_page=25")).Body!;
        Assert.Equal(5, last["networks"]!.AsArray().Count);
        Assert.Null(last["meta"]!["pagination"]!["next_page"]);
        Assert.Equal(30, (await Send(HttpMethod.Get, "networks?per_page=100")).Body!["networks"]!.AsArray().Count); // capped at 50
        Assert.Single((await Send(HttpMethod.Get, "networks?name=net-7")).Body!["networks"]!.AsArray());
        Assert.Equal(15, (await Send(HttpMethod.Get, "networks?label_selector=tier%3Deven&per_page=50")).Body!["networks"]!.AsArray().Count);
    }

    [Fact]
    public async Task Responses_carry_rate_limit_headers_and_actions_finish()
    {
        // Read before the request: the reset (whole seconds, at least 1 s after the emulator's now) is later than this.
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var created = await Send(HttpMethod.Post, "networks", """{"name":"n","ip_range":"10.0.0.0/16"}""");
        Assert.Equal("3600", created.Response.Headers.GetValues("RateLimit-Limit").Single());
        Assert.True(long.Parse(created.Response.Headers.GetValues("RateLimit-Reset").Single()) > before);
        var id = created.Body!["network"]!["id"]!.GetValue<long>();
        var subnet = await Send(HttpMethod.Post, $"networks/{id}/actions/add_subnet", """{"type":"cloud","network_zone":"eu-central"}""");
        Assert.Equal(HttpStatusCode.Created, subnet.Status);
        Assert.Equal("running", subnet.Body!["action"]!["status"]!.GetValue<string>());
        var actionId = subnet.Body["action"]!["id"]!.GetValue<long>();
        Assert.Equal("success", (await Send(HttpMethod.Get, $"actions/{actionId}")).Body!["action"]!["status"]!.GetValue<string>());
        var network = (await Send(HttpMethod.Get, $"networks/{id}")).Body!["network"]!;
        Assert.Equal("10.0.0.0/24", network["subnets"]![0]!["ip_range"]!.GetValue<string>()); // first free /24
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Delete, $"networks/{id}")).Status);
    }
}
