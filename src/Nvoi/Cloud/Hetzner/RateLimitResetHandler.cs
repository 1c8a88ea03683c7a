using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Nvoi.Cloud.Hetzner;

/// <summary>
/// Hetzner answers 429 with <c>RateLimit-Reset</c> (Unix seconds) rather than Retry-After; this
/// handler, placed under <see cref="Nvoi.Http.RetryHandler"/>, turns it into a Retry-After the
/// retry handler honours.
/// </summary>
internal sealed class RateLimitResetHandler(HttpMessageHandler inner, TimeProvider time) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter is null
            && response.Headers.TryGetValues("RateLimit-Reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow();
            response.Headers.RetryAfter = new RetryConditionHeaderValue(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        }
        return response;
    }
}
