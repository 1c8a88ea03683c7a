using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nvoi.Cloud.Hetzner;

namespace Nvoi.Cloud.Tests.Hetzner;

/// <summary>Transport details that the emulator does not produce on its own.</summary>
public sealed class HetznerApiTests
{
    private sealed class Scripted(Func<HttpRequestMessage, (int Status, string Body)> answer) : HttpMessageHandler
    {
        public List<string> Paths { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Paths.Add(request.RequestUri!.PathAndQuery);
            var (status, body) = answer(request);
            return Task.FromResult(new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    private static HetznerApi Api(Scripted handler, JumpClock clock) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:9/v1/") }, clock, TimeSpan.FromSeconds(2));

    [Fact]
    public async Task Action_is_polled_on_the_clock_until_error_which_carries_the_providers_message()
    {
        var polls = 0;
        var handler = new Scripted(_ => ++polls < 3
            ? (200, """{"action":{"id":7,"command":"create_server","status":"running"}}""")
            : (200, """{"action":{"id":7,"command":"create_server","status":"error","error":{"code":"action_failed","message":"placement failed"}}}"""));
        var clock = new JumpClock();
        var start = clock.GetUtcNow();
        var e = await Assert.ThrowsAsync<CloudApiException>(() => Api(handler, clock).WaitForActionAsync(
            JsonNode.Parse("""{"id":7,"command":"create_server","status":"running"}""")!.AsObject(), CancellationToken.None));
        Assert.Equal("action_failed", e.Code);
        Assert.Contains("placement failed", e.Message);
        Assert.Equal(["/v1/actions/7", "/v1/actions/7", "/v1/actions/7"], handler.Paths);
        Assert.Equal(TimeSpan.FromSeconds(4), clock.GetUtcNow() - start); // no wait before the first poll, 2 s between polls
    }

    [Fact]
    public async Task Pagination_follows_next_page_with_50_per_page()
    {
        var handler = new Scripted(r => r.RequestUri!.Query.Contains("page=1&")
            ? (200, """{"servers":[{"id":1}],"meta":{"pagination":{"page":1,"per_page":50,"next_page":2,"last_page":2}}}""")
            : (200, """{"servers":[{"id":2}],"meta":{"pagination":{"page":2,"per_page":50,"next_page":null,"last_page":2}}}"""));
        var items = await Api(handler, new JumpClock()).ListAsync("servers?name=x", "servers", CancellationToken.None);
        Assert.Equal([1L, 2L], items.Select(i => i["id"]!.GetValue<long>()));
        Assert.Equal(["/v1/servers?name=x&page=1&per_page=50", "/v1/servers?name=x&page=2&per_page=50"], handler.Paths);
    }

    [Theory]
    [InlineData(401, """{"error":{"code":"unauthorized","message":"unable to authenticate"}}""", true, "unable to authenticate")]
    [InlineData(403, """{"error":{"code":"token_readonly","message":"token is read-only"}}""", true, "read-only")]
    [InlineData(403, """{"error":{"code":"forbidden","message":"insufficient permissions"}}""", false, "insufficient permissions")]
    [InlineData(400, """{"error":{"code":"invalid_input","message":"invalid input in field 'name'","details":{"fields":[{"name":"name","messages":["too long"]}]}}}""", false, "name: too long")]
    [InlineData(502, "<html>bad gateway</html>", false, "HTTP 502")]
    public void Error_bodies_map_to_typed_exceptions(int status, string body, bool auth, string message)
    {
        var e = HetznerApi.ToException((HttpStatusCode)status, body);
        Assert.Equal(auth, e is CloudAuthenticationException);
        Assert.Equal(status, e.StatusCode);
        Assert.Contains(message, e.Message);
        Assert.StartsWith("hetzner: ", e.Message);
    }

    [Fact]
    public async Task RateLimit_Reset_becomes_a_Retry_After_on_the_adapters_clock()
    {
        var clock = new JumpClock();
        var reset = clock.GetUtcNow().AddSeconds(7).ToUnixTimeSeconds();
        var inner = new Scripted(_ => (429, """{"error":{"code":"rate_limit_exceeded","message":"limit reached"}}"""));
        using var client = new HttpClient(new RateLimitResetHandlerProbe(inner, clock, reset));
        using var response = await client.GetAsync("http://127.0.0.1:9/v1/servers");
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    /// <summary>Adds a RateLimit-Reset header to the scripted answer, then lets the real handler convert it.</summary>
    private sealed class RateLimitResetHandlerProbe(HttpMessageHandler inner, TimeProvider clock, long reset)
        : DelegatingHandler(new RateLimitResetHandler(new AddHeader(inner, reset), clock));

    private sealed class AddHeader(HttpMessageHandler inner, long reset) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            response.Headers.Add("RateLimit-Reset", reset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }
    }
}
