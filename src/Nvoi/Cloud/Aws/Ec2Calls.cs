using Amazon.Runtime;
using Nvoi.Http;
using Polly;
using Polly.Retry;

namespace Nvoi.Cloud.Aws;

/// <summary>
/// Runs EC2 calls with our retry policy (the SDK's own retries are off, so every wait goes through
/// the injected <see cref="TimeProvider"/>) and maps SDK errors to nvoi's exceptions.
/// Throttling (RequestLimitExceeded) and 503 Unavailable are retried for every call: EC2 refused the
/// request before doing anything. 500s and network failures are retried only for idempotent calls;
/// a create that failed that way is handed to <see cref="CreateOnceAsync"/>, which looks the resource
/// up before trying again.
/// </summary>
internal sealed class Ec2Calls
{
    private static readonly HashSet<string> ThrottlingCodes =
        ["RequestLimitExceeded", "Throttling", "ThrottlingException", "RequestThrottled", "RequestThrottledException",
         "TooManyRequestsException", "SlowDown", "Unavailable", "ServiceUnavailable", "PriorRequestNotComplete"];

    private static readonly HashSet<string> AuthCodes =
        ["AuthFailure", "UnauthorizedOperation", "InvalidClientTokenId", "SignatureDoesNotMatch", "MissingAuthenticationToken",
         "AuthFailure.ServiceLinkedRoleCreationNotPermitted", "Blocked", "OptInRequired"];

    private readonly ResiliencePipeline _safe;
    private readonly ResiliencePipeline _refusedOnly;
    private readonly RetryOptions _options;
    private readonly TimeProvider _time;

    public Ec2Calls(TimeProvider time, RetryOptions options)
    {
        _time = time;
        _options = options;
        _safe = Build(time, options, e => IsRefused(e) || IsUncertain(e));
        _refusedOnly = Build(time, options, IsRefused);
    }

    private static ResiliencePipeline Build(TimeProvider time, RetryOptions options, Func<Exception, bool> retry) =>
        options.MaxAttempts < 1 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && retry(e)),
            })
            .Build();

    /// <summary>EC2 refused the call before doing any work: always safe to send again.</summary>
    public static bool IsRefused(Exception e) =>
        e is AmazonServiceException s && (s.ErrorCode is { } code && ThrottlingCodes.Contains(code) || (int)s.StatusCode is 429 or 503);

    /// <summary>The call may or may not have happened (5xx or the connection broke).</summary>
    public static bool IsUncertain(Exception e) => e switch
    {
        AmazonServiceException s when (int)s.StatusCode >= 500 => true,
        AmazonServiceException s when s.StatusCode == 0 && s.InnerException is HttpRequestException or IOException => true,
        HttpRequestException or IOException => true,
        AmazonClientException c when c.InnerException is HttpRequestException or IOException => true,
        _ => false,
    };

    private static bool IsSdkFailure(Exception e) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException;

    /// <summary>A read or an idempotent change: retried on throttling, 5xx and network errors.</summary>
    public async Task<T> Read<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        try { return await _safe.ExecuteAsync(async t => await call(t).ConfigureAwait(false), ct).ConfigureAwait(false); }
        catch (Exception e) when (IsSdkFailure(e)) { throw Map(e); }
    }

    /// <summary>A change EC2 does not deduplicate: retried only when EC2 refused it outright. Unmapped errors escape.</summary>
    public Task<T> Once<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
        _refusedOnly.ExecuteAsync(async t => await call(t).ConfigureAwait(false), ct).AsTask();

    /// <summary>
    /// Creates something EC2 cannot deduplicate. When the answer is lost (5xx, network), looks the
    /// resource up by name and returns it if the create did happen; otherwise sends the create again.
    /// </summary>
    public async Task<T> CreateOnceAsync<T>(Func<CancellationToken, Task<T>> create, Func<CancellationToken, Task<T?>> find, CancellationToken ct)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return await Once(create, ct).ConfigureAwait(false); }
            catch (Exception e) when (IsUncertain(e) && attempt < _options.MaxAttempts)
            {
                if (await find(ct).ConfigureAwait(false) is { } found) return found;
                await Task.Delay(_options.BaseDelay, _time, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsSdkFailure(e)) { throw Map(e); }
        }
    }

    /// <summary>Runs an idempotent change; the given error codes mean "already done" and are ignored.</summary>
    public async Task Ensure(Func<CancellationToken, Task> call, CancellationToken ct, params string[] alreadyDone)
    {
        try { await Read(async t => { await call(t).ConfigureAwait(false); return true; }, ct).ConfigureAwait(false); }
        catch (CloudApiException e) when (e.Code is { } code && alreadyDone.Contains(code)) { }
    }

    /// <summary>Maps an SDK failure to a one-line nvoi error; never includes credentials.</summary>
    public static CloudApiException Map(Exception e)
    {
        if (e is AmazonServiceException s && (s.ErrorCode is not null || s.StatusCode != 0))
        {
            var status = (int)s.StatusCode;
            return s.ErrorCode is { } code && AuthCodes.Contains(code) || status is 401 or 403
                ? new CloudAuthenticationException(AwsProvider.ProviderName, status, s.ErrorCode, s.Message)
                : new CloudApiException(AwsProvider.ProviderName, status, s.ErrorCode, s.Message);
        }
        return new CloudApiException(AwsProvider.ProviderName, 0, null, "the EC2 endpoint could not be reached: " + (e.InnerException ?? e).Message);
    }
}
