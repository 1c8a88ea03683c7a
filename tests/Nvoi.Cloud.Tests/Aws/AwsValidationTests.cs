using Microsoft.AspNetCore.Http;
using Nvoi.Cloud;
using Nvoi.Http;
using Nvoi.Sandbox.Aws;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Cloud.Tests.Aws;

public sealed class AwsValidationTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Refused_credentials_are_an_authentication_error_without_the_secret()
    {
        await using var bed = await AwsTestBed.StartAsync();
        await bed.Provider.ValidateCredentialsAsync(Ct);
        using var bad = bed.NewProvider(accessKey: Ec2Emulator.InvalidAccessKey);
        var error = await Assert.ThrowsAsync<CloudAuthenticationException>(() => bad.ValidateCredentialsAsync(Ct));
        Assert.Equal((401, "AuthFailure", "aws"), (error.StatusCode, error.Code, error.Provider));
        Assert.DoesNotContain(AwsTestBed.SecretKey, error.ToString());
        await Assert.ThrowsAsync<CloudAuthenticationException>(() => bad.FindServerAsync("x", Ct));
    }

    [Fact]
    public async Task Unreachable_endpoint_is_a_one_line_provider_error()
    {
        using var aws = new Nvoi.Cloud.Aws.AwsProvider(AwsTestBed.AccessKey, AwsTestBed.SecretKey, "us-east-1",
            new Uri("http://127.0.0.1:9/"), new SteppingTimeProvider(), new RetryOptions(2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), false));
        var error = await Assert.ThrowsAsync<CloudApiException>(() => aws.ValidateCredentialsAsync(Ct));
        Assert.StartsWith("aws: the EC2 endpoint could not be reached", error.Message);
        Assert.DoesNotContain(AwsTestBed.SecretKey, error.ToString());
    }

    [Fact]
    public async Task A_made_up_region_whose_endpoint_cannot_be_reached_is_a_validation_error()
    {
        // Stands in for ec2.mars-north-1.amazonaws.com, which does not resolve: the answer must be a
        // validation error naming the region, not "endpoint unreachable".
        using var aws = new Nvoi.Cloud.Aws.AwsProvider(AwsTestBed.AccessKey, AwsTestBed.SecretKey, "mars-north-1",
            new Uri("http://127.0.0.1:9/"), new SteppingTimeProvider(), new RetryOptions(1, TimeSpan.Zero, TimeSpan.Zero, false));
        var error = await Assert.ThrowsAsync<CloudValidationException>(() => aws.ValidateLocationAsync("mars-north-1", Ct));
        Assert.Contains("'mars-north-1'", error.Message);
        Assert.Contains("us-east-1", error.Message);
    }

    [Fact]
    public async Task Instance_type_and_region_are_validated_against_ec2()
    {
        await using var bed = await AwsTestBed.StartAsync();
        var aws = bed.Provider;
        await aws.ValidateServerTypeAsync("t3.small", "us-east-1", Ct);
        await aws.ValidateLocationAsync("eu-west-3", Ct);

        var type = await Assert.ThrowsAsync<CloudValidationException>(() => aws.ValidateServerTypeAsync("t9.huge", "us-east-1", Ct));
        Assert.Contains("'t9.huge'", type.Message);
        Assert.Contains("t3.small", type.Message);
        Assert.Equal(ExitCodes.InvalidInput, type.ExitCode);

        var region = await Assert.ThrowsAsync<CloudValidationException>(() => aws.ValidateLocationAsync("mars-north-1", Ct));
        Assert.Contains("'mars-north-1'", region.Message);
        Assert.Contains("eu-central-1", region.Message);
    }

    [Fact]
    public async Task Catalogue_has_cores_memory_architecture_and_no_price()
    {
        await using var bed = await AwsTestBed.StartAsync();
        var types = await bed.Provider.ListServerTypesAsync(Ct);
        var small = Assert.Single(types, t => t.Name == "t3.small");
        Assert.Equal((2, 2.0, (decimal?)null, CpuArchitecture.Amd64), (small.Cores, small.MemoryGb, small.MonthlyPrice, small.Architecture));
        Assert.Equal(["us-east-1"], small.Locations);
        Assert.Equal(CpuArchitecture.Arm64, Assert.Single(types, t => t.Name == "t4g.small").Architecture);
        Assert.Equal(CpuArchitecture.Arm64, await bed.Provider.GetArchitectureAsync("t4g.small", Ct));
        Assert.Equal(CpuArchitecture.Amd64, await bed.Provider.GetArchitectureAsync("t3.medium", Ct));
        await Assert.ThrowsAsync<CloudValidationException>(() => bed.Provider.GetArchitectureAsync("nope.large", Ct));

        var regions = await bed.Provider.ListLocationsAsync(Ct);
        Assert.Contains(regions, r => r.Name == "us-east-1" && r.Description == "ec2.us-east-1.amazonaws.com");
    }

    [Fact]
    public async Task Throttling_is_retried_and_reported_when_it_persists()
    {
        await using var bed = await AwsTestBed.StartAsync();
        bed.Emulator.ThrottleNext(3);
        Assert.NotEmpty(await bed.Provider.ListLocationsAsync(Ct));

        using var patient = bed.NewProvider(retry: new RetryOptions(2, TimeSpan.Zero, TimeSpan.Zero, false));
        bed.Emulator.ThrottleNext(10);
        var error = await Assert.ThrowsAsync<CloudApiException>(() => patient.ListLocationsAsync(Ct));
        Assert.Equal((503, "RequestLimitExceeded"), (error.StatusCode, error.Code));
    }

    [Fact]
    public async Task Throttled_creates_are_retried_because_nothing_happened()
    {
        await using var bed = await AwsTestBed.StartAsync();
        bed.Emulator.ThrottleNext(2);
        await bed.Provider.CreateNetworkAsync("net", "us-east-1", Ct);
        var state = bed.Emulator.Inspect();
        Assert.Single(state.Vpcs);
        Assert.Single(state.Subnets);
    }

    [Fact]
    public async Task Injected_rate_limit_fault_uses_ec2_throttling_shape()
    {
        var emulator = new Ec2Emulator(new EmulatorOptions());
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await emulator.WriteErrorAsync(context, 429, "rate_limit_exceeded", "injected fault: rate limit exceeded");
        Assert.Equal(503, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var xml = System.Xml.Linq.XDocument.Load(context.Response.Body).Root!;
        Assert.Equal("Response", xml.Name.LocalName);
        Assert.Equal("RequestLimitExceeded", xml.Element("Errors")!.Element("Error")!.Element("Code")!.Value);
        Assert.False(string.IsNullOrEmpty(xml.Element("RequestID")!.Value));
    }

    [Fact]
    public async Task State_survives_a_restart_of_the_emulator()
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-aws-state");
        try
        {
            NetworkInfo network;
            await using (var first = await AwsTestBed.StartAsync(stateDirectory: dir.FullName))
                network = await first.Provider.CreateNetworkAsync("net", "us-east-1", Ct);
            await using var second = await AwsTestBed.StartAsync(stateDirectory: dir.FullName);
            Assert.Equal(network, await second.Provider.FindNetworkAsync("net", Ct));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task Endpoint_comes_from_the_environment_like_the_aws_tools()
    {
        await using var bed = await AwsTestBed.StartAsync();
        var saved = (Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_EC2"), Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));
        try
        {
            // The EC2-specific variable wins over the general one (which points nowhere).
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_EC2", bed.Host.BaseUrl.ToString());
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", "http://127.0.0.1:9/");
            using (var viaEc2 = new Nvoi.Cloud.Aws.AwsProvider(AwsTestBed.AccessKey, AwsTestBed.SecretKey, "us-east-1", time: bed.Time, retry: AwsTestBed.FastRetry))
                await viaEc2.ValidateCredentialsAsync(Ct);

            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_EC2", null);
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", bed.Host.BaseUrl.ToString());
            var before = bed.Emulator.Calls.GetValueOrDefault("DescribeRegions");
            using (var viaGeneral = new Nvoi.Cloud.Aws.AwsProvider(AwsTestBed.AccessKey, AwsTestBed.SecretKey, "us-east-1", time: bed.Time, retry: AwsTestBed.FastRetry))
                await viaGeneral.ValidateCredentialsAsync(Ct);
            Assert.Equal(before + 1, bed.Emulator.Calls["DescribeRegions"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_EC2", saved.Item1);
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", saved.Item2);
        }
    }
}
