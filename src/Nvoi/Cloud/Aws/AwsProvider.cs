using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Nvoi.Http;

namespace Nvoi.Cloud.Aws;

/// <summary>
/// EC2 through the official AWS SDK: a VPC (10.0.0.0/16) with one public subnet (10.0.1.0/24),
/// internet gateway and route table; a security group in that VPC allowing TCP 22; Ubuntu 24.04
/// instances from Canonical's images; gp3 EBS volumes. Everything carries a <c>Name</c> tag and is
/// found by it.
/// </summary>
public sealed partial class AwsProvider : ICloudProvider, IDisposable
{
    internal const string ProviderName = "aws";
    internal const string VpcCidr = "10.0.0.0/16";
    internal const string SubnetCidr = "10.0.1.0/24";
    internal const string CanonicalOwnerId = "099720109477";

    private readonly AmazonEC2Client _ec2;
    private readonly Ec2Calls _calls;
    private readonly TimeProvider _time;
    private readonly string _region;

    /// <param name="accessKeyId">AWS access key id.</param>
    /// <param name="secretAccessKey">AWS secret access key (never logged or shown).</param>
    /// <param name="region">Region, e.g. us-east-1.</param>
    /// <param name="endpoint">EC2 endpoint override; when null, AWS_ENDPOINT_URL_EC2 then AWS_ENDPOINT_URL are used, as by the AWS tools.</param>
    /// <param name="time">Clock for every wait and retry delay (fake in tests).</param>
    /// <param name="retry">Retry settings; <see cref="RetryOptions.Default"/> when null.</param>
    public AwsProvider(string accessKeyId, string secretAccessKey, string region, Uri? endpoint = null,
        TimeProvider? time = null, RetryOptions? retry = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        _region = region;
        _time = time ?? TimeProvider.System;
        _calls = new Ec2Calls(_time, retry ?? RetryOptions.Default);
        var config = new AmazonEC2Config
        {
            // Our own retry policy waits through the TimeProvider and never repeats a create blindly.
            MaxErrorRetry = 0,
            RetryMode = RequestRetryMode.Standard,
        };
        var url = endpoint?.ToString() ?? EndpointFromEnvironment();
        if (url is not null)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        _ec2 = new AmazonEC2Client(new BasicAWSCredentials(accessKeyId, secretAccessKey), config);
    }

    private static string? EndpointFromEnvironment() =>
        NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_EC2")) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    public string Name => ProviderName;

    /// <summary>The region this provider works in.</summary>
    public string Region => _region;

    /// <summary>How often waits poll EC2.</summary>
    internal TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Limit of the waits the adapter does on its own (terminate, volume attach/detach).</summary>
    internal TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>MaxResults of paginated calls.</summary>
    internal int PageSize { get; init; } = 100;

    /// <summary>The availability zone of the subnet and of volumes created with a region as location.</summary>
    internal string DefaultZone => _region + "a";

    public void Dispose() => _ec2.Dispose();

    private static List<TagSpecification> NameTags(ResourceType type, string name, IReadOnlyDictionary<string, string>? labels = null)
    {
        var tags = new List<Tag>();
        foreach (var (k, v) in labels ?? new Dictionary<string, string>())
            if (k != "Name") tags.Add(new Tag(k, v));
        tags.Add(new Tag("Name", name));
        return [new TagSpecification { ResourceType = type, Tags = tags }];
    }

    private static Filter F(string name, params string[] values) => new(name, [.. values]);

    private static string? TagName(List<Tag>? tags) => tags?.FirstOrDefault(t => t.Key == "Name")?.Value;

    /// <summary>Polls through the TimeProvider until <paramref name="check"/> returns a value, or fails after the timeout.</summary>
    private async Task<T> WaitAsync<T>(string what, TimeSpan timeout, Func<CancellationToken, Task<T?>> check, CancellationToken ct)
        where T : class
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            if (await check(ct).ConfigureAwait(false) is { } done) return done;
            if (_time.GetUtcNow() >= deadline)
                throw new CloudApiException(ProviderName, 0, "Timeout", $"timed out after {timeout.TotalSeconds:0}s waiting for {what}");
            await Task.Delay(PollInterval, _time, ct).ConfigureAwait(false);
        }
    }
}
