using System.Text;
using System.Text.Json;
using Nvoi.Sandbox.Aws;

namespace Nvoi.Cloud.Tests.Aws;

/// <summary>The emulator checked against the official AWS CLI, so it cannot drift into shapes EC2 would not produce.</summary>
public abstract class AwsCliTestBase : IAsyncLifetime
{
    private protected AwsTestBed _bed = null!;
    private protected DirectoryInfo _home = null!;
    private protected AwsCli _cli = null!;

    public async Task InitializeAsync()
    {
        _bed = await AwsTestBed.StartAsync(bootTime: TimeSpan.Zero);
        _home = Directory.CreateTempSubdirectory("nvoi-aws-cli");
        _cli = new AwsCli(_bed.Host.BaseUrl, _home.FullName);
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        _home.Delete(recursive: true);
    }

    protected static string Str(JsonElement e, params string[] path)
    {
        foreach (var p in path) e = int.TryParse(p, out var i) ? e[i] : e.GetProperty(p);
        return e.ToString();
    }
}

public sealed class AwsCliFidelityTests : AwsCliTestBase
{
    [Fact]
    public async Task Cli_drives_a_full_network_server_and_volume_lifecycle()
    {
        var vpc = await _cli.JsonAsync("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16",
            "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=cli-net}]");
        var vpcId = Str(vpc, "Vpc", "VpcId");
        Assert.Matches("^vpc-0[0-9a-f]{16}$", vpcId);
        Assert.Equal("10.0.0.0/16", Str(vpc, "Vpc", "CidrBlock"));
        Assert.Equal("cli-net", Str(vpc, "Vpc", "Tags", "0", "Value"));

        var subnet = await _cli.JsonAsync("ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.0.1.0/24",
            "--availability-zone", "us-east-1a");
        var subnetId = Str(subnet, "Subnet", "SubnetId");
        Assert.Equal(vpcId, Str(subnet, "Subnet", "VpcId"));
        Assert.Equal(0, (await _cli.RunAsync("ec2", "modify-subnet-attribute", "--subnet-id", subnetId, "--map-public-ip-on-launch")).ExitCode);

        var igwId = Str(await _cli.JsonAsync("ec2", "create-internet-gateway"), "InternetGateway", "InternetGatewayId");
        Assert.Equal(0, (await _cli.RunAsync("ec2", "attach-internet-gateway", "--internet-gateway-id", igwId, "--vpc-id", vpcId)).ExitCode);
        var rtbId = Str(await _cli.JsonAsync("ec2", "create-route-table", "--vpc-id", vpcId), "RouteTable", "RouteTableId");
        Assert.True((await _cli.JsonAsync("ec2", "create-route", "--route-table-id", rtbId, "--destination-cidr-block", "0.0.0.0/0",
            "--gateway-id", igwId)).GetProperty("Return").GetBoolean());
        var association = await _cli.JsonAsync("ec2", "associate-route-table", "--route-table-id", rtbId, "--subnet-id", subnetId);
        Assert.StartsWith("rtbassoc-", Str(association, "AssociationId"));

        var group = await _cli.JsonAsync("ec2", "create-security-group", "--group-name", "cli-fw", "--description", "ssh only", "--vpc-id", vpcId);
        var groupId = Str(group, "GroupId");
        Assert.StartsWith("sg-0", groupId);
        var ingress = await _cli.JsonAsync("ec2", "authorize-security-group-ingress", "--group-id", groupId,
            "--protocol", "tcp", "--port", "22", "--cidr", "0.0.0.0/0");
        Assert.True(ingress.GetProperty("Return").GetBoolean());
        var groups = await _cli.JsonAsync("ec2", "describe-security-groups", "--filters", $"Name=vpc-id,Values={vpcId}", "Name=group-name,Values=cli-fw");
        var permission = groups.GetProperty("SecurityGroups")[0].GetProperty("IpPermissions")[0];
        Assert.Equal(("tcp", 22, 22, "0.0.0.0/0"), (Str(permission, "IpProtocol"), permission.GetProperty("FromPort").GetInt32(),
            permission.GetProperty("ToPort").GetInt32(), Str(permission, "IpRanges", "0", "CidrIp")));

        var images = await _cli.JsonAsync("ec2", "describe-images", "--owners", Ec2Catalogue.CanonicalOwnerId,
            "--filters", "Name=name,Values=ubuntu/images/hvm-ssd*/ubuntu-noble-24.04-amd64-server-*");
        var amis = images.GetProperty("Images").EnumerateArray().OrderByDescending(i => Str(i, "CreationDate")).ToList();
        Assert.Equal(2, amis.Count);
        var imageId = Str(amis[0], "ImageId");

        var run = await _cli.JsonAsync("ec2", "run-instances", "--image-id", imageId, "--instance-type", "t3.small", "--count", "1",
            "--subnet-id", subnetId, "--security-group-ids", groupId, "--user-data", "#cloud-config\nruncmd: [true]\n",
            "--tag-specifications", "ResourceType=instance,Tags=[{Key=Name,Value=cli-1}]");
        var instance = run.GetProperty("Instances")[0];
        var instanceId = Str(instance, "InstanceId");
        Assert.Matches("^i-0[0-9a-f]{16}$", instanceId);
        Assert.Equal("t3.small", Str(instance, "InstanceType"));
        Assert.Equal("#cloud-config\nruncmd: [true]\n", Encoding.UTF8.GetString(Convert.FromBase64String(_bed.Emulator.Inspect().Instances[instanceId].UserData!)));

        var described = await _cli.JsonAsync("ec2", "describe-instances", "--filters", "Name=tag:Name,Values=cli-1",
            "Name=instance-state-name,Values=pending,running");
        var live = described.GetProperty("Reservations")[0].GetProperty("Instances")[0];
        Assert.Equal(instanceId, Str(live, "InstanceId"));
        Assert.Equal("running", Str(live, "State", "Name"));
        Assert.Equal(16, live.GetProperty("State").GetProperty("Code").GetInt32());
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", Str(live, "PublicIpAddress"));
        Assert.StartsWith("10.0.1.", Str(live, "PrivateIpAddress"));
        Assert.Equal("us-east-1a", Str(live, "Placement", "AvailabilityZone"));
        Assert.Equal(groupId, Str(live, "SecurityGroups", "0", "GroupId"));

        var volume = await _cli.JsonAsync("ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "10", "--volume-type", "gp3",
            "--tag-specifications", "ResourceType=volume,Tags=[{Key=Name,Value=cli-data}]");
        var volumeId = Str(volume, "VolumeId");
        Assert.Matches("^vol-0[0-9a-f]{16}$", volumeId);
        Assert.Equal(("gp3", 10), (Str(volume, "VolumeType"), volume.GetProperty("Size").GetInt32()));

        var attach = await _cli.JsonAsync("ec2", "attach-volume", "--volume-id", volumeId, "--instance-id", instanceId, "--device", "/dev/sdf");
        Assert.Equal(("attaching", "/dev/sdf"), (Str(attach, "State"), Str(attach, "Device")));
        var volumes = await _cli.JsonAsync("ec2", "describe-volumes", "--volume-ids", volumeId);
        var attachment = volumes.GetProperty("Volumes")[0].GetProperty("Attachments")[0];
        Assert.Equal(("attached", instanceId), (Str(attachment, "State"), Str(attachment, "InstanceId")));
        Assert.Equal("in-use", Str(volumes, "Volumes", "0", "State"));

        var terminate = await _cli.JsonAsync("ec2", "terminate-instances", "--instance-ids", instanceId);
        var change = terminate.GetProperty("TerminatingInstances")[0];
        Assert.Equal((instanceId, "running"), (Str(change, "InstanceId"), Str(change, "PreviousState", "Name")));
        Assert.Contains(Str(change, "CurrentState", "Name"), new[] { "shutting-down", "terminated" });
        var after = await _cli.JsonAsync("ec2", "describe-volumes", "--volume-ids", volumeId);
        Assert.Equal("available", Str(after, "Volumes", "0", "State"));
    }

}

/// <summary>Catalogue, pagination and errors through the AWS CLI (a separate class so it runs alongside the lifecycle).</summary>
public sealed class AwsCliCatalogueTests : AwsCliTestBase
{
    [Fact]
    public async Task Cli_follows_next_tokens_and_reads_the_catalogue()
    {
        var types = await _cli.JsonAsync("ec2", "describe-instance-types", "--page-size", "5");
        var names = types.GetProperty("InstanceTypes").EnumerateArray().Select(t => Str(t, "InstanceType")).ToList();
        Assert.Equal(Ec2Catalogue.InstanceTypes.Count, names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.True(_bed.Emulator.Calls["DescribeInstanceTypes"] >= 4);

        var t4g = await _cli.JsonAsync("ec2", "describe-instance-types", "--instance-types", "t4g.small");
        var info = t4g.GetProperty("InstanceTypes")[0];
        Assert.Equal("arm64", Str(info, "ProcessorInfo", "SupportedArchitectures", "0"));
        Assert.Equal(2048, info.GetProperty("MemoryInfo").GetProperty("SizeInMiB").GetInt32());
        Assert.Equal(2, info.GetProperty("VCpuInfo").GetProperty("DefaultVCpus").GetInt32());

        var regions = await _cli.JsonAsync("ec2", "describe-regions");
        Assert.Contains(regions.GetProperty("Regions").EnumerateArray(), r => Str(r, "RegionName") == "eu-central-1");
        var zones = await _cli.JsonAsync("ec2", "describe-availability-zones");
        Assert.Equal(["us-east-1a", "us-east-1b", "us-east-1c"], zones.GetProperty("AvailabilityZones").EnumerateArray().Select(z => Str(z, "ZoneName")));
    }

    [Fact]
    public async Task Cli_reports_ec2_errors_by_code()
    {
        var missing = await _cli.RunAsync("ec2", "describe-instances", "--instance-ids", "i-0123456789abcdef0");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("InvalidInstanceID.NotFound", missing.Stderr);

        var badType = await _cli.RunAsync("ec2", "describe-instance-types", "--instance-types", "t9.huge");
        Assert.NotEqual(0, badType.ExitCode);
        Assert.Contains("InvalidInstanceType", badType.Stderr);

        var refused = await new AwsCli(_bed.Host.BaseUrl, _home.FullName) { AccessKey = Ec2Emulator.InvalidAccessKey }.RunAsync("ec2", "describe-regions");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("AuthFailure", refused.Stderr);
    }
}
