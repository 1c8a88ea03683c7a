using Microsoft.Extensions.Time.Testing;
using Nvoi.Cloud;
using Nvoi.Cloud.Aws;
using Nvoi.Http;
using Nvoi.Sandbox.Aws;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Cloud.Tests.Aws;

/// <summary>
/// A fake clock that moves forward by exactly the delay whenever someone waits on a timer, so
/// polling loops and the emulator's boot time progress without real sleeping.
/// </summary>
internal sealed class SteppingTimeProvider : FakeTimeProvider
{
    public SteppingTimeProvider() : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
            ThreadPool.QueueUserWorkItem(_ => Advance(dueTime));
        return timer;
    }
}

/// <summary>The EC2 emulator on loopback plus an <see cref="AwsProvider"/> pointed at it.</summary>
internal sealed class AwsTestBed : IAsyncDisposable
{
    public const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    public required EmulatorHost Host { get; init; }
    public required Ec2Emulator Emulator { get; init; }
    public required AwsProvider Provider { get; init; }
    public required SteppingTimeProvider Time { get; init; }

    public static readonly RetryOptions FastRetry = new(8, TimeSpan.Zero, TimeSpan.Zero, false);

    public static async Task<AwsTestBed> StartAsync(double faultRate = 0, int seed = 1, int pageSize = 100,
        TimeSpan? bootTime = null, string? stateDirectory = null, string accessKey = AccessKey, RetryOptions? retry = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var time = new SteppingTimeProvider();
        var options = new EmulatorOptions
        {
            FaultRate = faultRate, Seed = seed, Time = time, ServerBootTime = bootTime ?? TimeSpan.FromSeconds(30),
            StateDirectory = stateDirectory, Settings = settings ?? new Dictionary<string, string>(),
        };
        var emulator = new Ec2Emulator(options);
        var host = await EmulatorHost.StartAsync(emulator, options);
        var provider = new AwsProvider(accessKey, SecretKey, "us-east-1", host.BaseUrl, time, retry ?? FastRetry)
        {
            PageSize = pageSize,
        };
        return new AwsTestBed { Host = host, Emulator = emulator, Provider = provider, Time = time };
    }

    public AwsProvider NewProvider(string accessKey = AccessKey, RetryOptions? retry = null, string region = "us-east-1") =>
        new(accessKey, SecretKey, region, Host.BaseUrl, Time, retry ?? FastRetry);

    /// <summary>A raw SDK client on the emulator, to set up states the adapter would not create.</summary>
    public Amazon.EC2.AmazonEC2Client Sdk(string accessKey = AccessKey) =>
        new(new Amazon.Runtime.BasicAWSCredentials(accessKey, SecretKey), new Amazon.EC2.AmazonEC2Config
        {
            ServiceURL = Host.BaseUrl.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0,
        });

    public async ValueTask DisposeAsync()
    {
        Provider.Dispose();
        await Host.DisposeAsync();
    }

    public static ServerSpec Spec(string name, NetworkInfo network, FirewallInfo firewall, string type = "t3.small") =>
        new(name, type, "us-east-1", "#cloud-config\nruncmd: [echo hello]\n", network, firewall,
            new Dictionary<string, string> { ["nvoi-app"] = "demo" });
}
