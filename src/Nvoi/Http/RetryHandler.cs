using System.Net;
using Polly;
using Polly.Retry;

namespace Nvoi.Http;

/// <summary>
/// Retries what is safe to retry, for every provider adapter:
/// <list type="bullet">
/// <item>429 for any method (the API refused the request before doing anything), honouring Retry-After;</item>
/// <item>5xx and network failures for idempotent methods (GET, HEAD, PUT, DELETE) only.</item>
/// </list>
/// A POST that failed with a 5xx is handed back to the adapter, which looks the resource up by
/// name before it tries again: a lost response must never yield two servers.
/// Delays go through the given <see cref="TimeProvider"/>, so tests never sleep.
/// </summary>
public sealed class RetryHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public RetryHandler(HttpMessageHandler inner, TimeProvider time, RetryOptions? options = null) : base(inner)
    {
        options ??= RetryOptions.Default;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxAttempts,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.MaxDelay)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();
    }

    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put ||
        method == HttpMethod.Delete || method == HttpMethod.Options;

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is OperationCanceledException or NonRetryableRequestException) return false;
        var request = outcome.Result?.RequestMessage;
        if (outcome.Exception is HttpRequestException or IOException)
            return true; // only reached for idempotent requests, see SendAsync
        if (outcome.Result is null) return false;
        var status = (int)outcome.Result.StatusCode;
        if (status == 429) return true;
        if (status is 500 or 502 or 503 or 504)
            return request is not null && IsIdempotent(request.Method);
        return false;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan max)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null) return null;
        TimeSpan? wait = header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is null) return null;
        if (wait < TimeSpan.Zero) return TimeSpan.Zero;
        return wait > max ? max : wait;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        // Buffer the body once so it can be sent again.
        byte[]? body = null;
        System.Net.Http.Headers.MediaTypeHeaderValue? contentType = null;
        if (request.Content is not null)
        {
            body = await request.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            contentType = request.Content.Headers.ContentType;
        }
        var idempotent = IsIdempotent(request.Method);
        return await _pipeline.ExecuteAsync(async token =>
        {
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = contentType;
            }
            try
            {
                var response = await base.SendAsync(request, token).ConfigureAwait(false);
                response.RequestMessage ??= request;
                return response;
            }
            catch (HttpRequestException) when (!idempotent)
            {
                throw new NonRetryableRequestException(request);
            }
        }, ct).ConfigureAwait(false);
    }
}

/// <summary>Retry settings; tests use <see cref="Immediate"/> with a fake clock.</summary>
public sealed record RetryOptions(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay, bool UseJitter)
{
    public static readonly RetryOptions Default = new(6, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), true);
}

/// <summary>
/// A non-idempotent request (a create) failed on the network: the caller must look the resource
/// up before sending it again.
/// </summary>
public sealed class NonRetryableRequestException(HttpRequestMessage request)
    : HttpRequestException($"{request.Method} {request.RequestUri?.AbsolutePath} failed on the network; the resource may or may not exist");
