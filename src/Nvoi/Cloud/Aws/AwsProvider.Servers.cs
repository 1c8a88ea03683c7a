using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace Nvoi.Cloud.Aws;

public sealed partial class AwsProvider
{
    private static readonly List<string> LiveStates = ["pending", "running", "stopping", "stopped"];

    /// <summary>The instance tagged with the name, ignoring terminated (and terminating) ones.</summary>
    public async Task<ServerInfo?> FindServerAsync(string name, CancellationToken ct)
    {
        var instances = await DescribeInstancesAsync([F("tag:Name", name), F("instance-state-name", [.. LiveStates])], ct).ConfigureAwait(false);
        return instances.Select(ToServer).FirstOrDefault();
    }

    public async Task<IReadOnlyList<ServerInfo>> ListServersAsync(CancellationToken ct)
    {
        var instances = await DescribeInstancesAsync([F("instance-state-name", [.. LiveStates])], ct).ConfigureAwait(false);
        return [.. instances.Select(ToServer)];
    }

    /// <summary>
    /// Launches Ubuntu 24.04 (newest Canonical image for the type's architecture) with the user data,
    /// in the network's subnet, behind the firewall. A client token makes EC2 itself deduplicate retries.
    /// </summary>
    public async Task<ServerInfo> CreateServerAsync(ServerSpec spec, CancellationToken ct)
    {
        if (await FindServerAsync(spec.Name, ct).ConfigureAwait(false) is { } existing) return existing;
        var subnetId = spec.Network.SubnetId
            ?? (await FindSubnetAsync(spec.Network.Id, spec.Network.Name, ct).ConfigureAwait(false))?.SubnetId
            ?? throw new CloudApiException(ProviderName, 0, null, $"network {spec.Network.Name} has no subnet; create the network first");
        var groupId = await SecurityGroupInNetworkAsync(spec.Firewall, spec.Network, ct).ConfigureAwait(false);
        var architecture = await GetArchitectureAsync(spec.ServerType, ct).ConfigureAwait(false);
        var imageId = await FindUbuntuImageAsync(architecture, ct).ConfigureAwait(false);
        var request = new RunInstancesRequest
        {
            ImageId = imageId,
            InstanceType = spec.ServerType,
            MinCount = 1,
            MaxCount = 1,
            UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(spec.UserData)),
            SubnetId = subnetId,
            SecurityGroupIds = [groupId],
            TagSpecifications = NameTags(ResourceType.Instance, spec.Name, spec.Labels),
            ClientToken = Guid.NewGuid().ToString("N"),
        };
        // Same token on every attempt: EC2 returns the instance of the first one.
        var response = await _calls.Read(t => _ec2.RunInstancesAsync(request, t), ct).ConfigureAwait(false);
        return ToServer(response.Reservation.Instances[0]);
    }

    /// <summary>
    /// The firewall's group when it is in the network's VPC; otherwise (a 0.2.0 group in the default
    /// VPC, which EC2 would refuse for this subnet) the group of that name in the network's VPC, created if needed.
    /// </summary>
    private async Task<string> SecurityGroupInNetworkAsync(FirewallInfo firewall, NetworkInfo network, CancellationToken ct)
    {
        var groups = await _calls.Read(t => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [F("group-id", firewall.Id)] }, t), ct).ConfigureAwait(false);
        if (groups.SecurityGroups?.FirstOrDefault()?.VpcId == network.Id) return firewall.Id;
        return (await CreateFirewallAsync(firewall.Name, network, ct).ConfigureAwait(false)).Id;
    }

    /// <summary>ami id of the newest ubuntu-noble-24.04 server image owned by Canonical.</summary>
    internal async Task<string> FindUbuntuImageAsync(CpuArchitecture architecture, CancellationToken ct)
    {
        var arch = architecture == CpuArchitecture.Arm64 ? "arm64" : "amd64";
        var response = await _calls.Read(t => _ec2.DescribeImagesAsync(new DescribeImagesRequest
        {
            Owners = [CanonicalOwnerId],
            Filters = [F("name", $"ubuntu/images/hvm-ssd*/ubuntu-noble-24.04-{arch}-server-*"), F("state", "available")],
        }, t), ct).ConfigureAwait(false);
        var image = (response.Images ?? []).Where(i => i.OwnerId is null || i.OwnerId == CanonicalOwnerId)
            .OrderByDescending(i => i.CreationDate, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new CloudApiException(ProviderName, 0, null, $"no Ubuntu 24.04 {arch} image from Canonical in {_region}");
        return image.ImageId;
    }

    public async Task<ServerInfo> WaitForServerRunningAsync(string serverId, TimeSpan timeout, CancellationToken ct) =>
        await WaitAsync($"instance {serverId} to run", timeout, async t =>
        {
            var instance = await DescribeInstanceAsync(serverId, t).ConfigureAwait(false);
            if (instance is null) return null; // not visible yet (EC2 is eventually consistent)
            var server = ToServer(instance);
            if (server.Status is ServerStatus.Deleting)
                throw new CloudApiException(ProviderName, 0, "IncorrectInstanceState", $"instance {serverId} is {instance.State?.Name?.Value} instead of running");
            return server.Status == ServerStatus.Running && server.PublicIPv4 is not null ? server : null;
        }, ct).ConfigureAwait(false);

    /// <summary>Terminates the instance and waits until EC2 reports it terminated. Idempotent.</summary>
    public async Task DeleteServerAsync(ServerInfo server, CancellationToken ct)
    {
        try
        {
            await _calls.Read(t => _ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [server.Id] }, t), ct).ConfigureAwait(false);
        }
        catch (CloudApiException e) when (e.Code == "InvalidInstanceID.NotFound") { return; }
        await WaitAsync($"instance {server.Id} to terminate", OperationTimeout, async t =>
        {
            var instance = await DescribeInstanceAsync(server.Id, t).ConfigureAwait(false);
            return instance is null || instance.State?.Name?.Value == "terminated" ? server : null;
        }, ct).ConfigureAwait(false);
    }

    private async Task<Instance?> DescribeInstanceAsync(string id, CancellationToken ct)
    {
        try
        {
            var response = await _calls.Read(t => _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [id] }, t), ct).ConfigureAwait(false);
            return (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).FirstOrDefault();
        }
        catch (CloudApiException e) when (e.Code == "InvalidInstanceID.NotFound") { return null; }
    }

    private async Task<List<Instance>> DescribeInstancesAsync(List<Filter> filters, CancellationToken ct)
    {
        var result = new List<Instance>();
        string? token = null;
        do
        {
            var page = await _calls.Read(t => _ec2.DescribeInstancesAsync(
                new DescribeInstancesRequest { Filters = filters, MaxResults = PageSize, NextToken = token }, t), ct).ConfigureAwait(false);
            result.AddRange((page.Reservations ?? []).SelectMany(r => r.Instances ?? []));
            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        } while (token is not null);
        return result;
    }

    private static ServerInfo ToServer(Instance i) => new(
        i.InstanceId,
        TagName(i.Tags) ?? i.InstanceId,
        (i.State?.Name?.Value) switch
        {
            "pending" => ServerStatus.Starting,
            "running" => ServerStatus.Running,
            "stopping" or "stopped" => ServerStatus.Stopped,
            "shutting-down" or "terminated" => ServerStatus.Deleting,
            _ => ServerStatus.Unknown,
        },
        string.IsNullOrEmpty(i.PublicIpAddress) ? null : i.PublicIpAddress,
        string.IsNullOrEmpty(i.PrivateIpAddress) ? null : i.PrivateIpAddress,
        i.InstanceType?.Value ?? "",
        i.Placement?.AvailabilityZone ?? "");
}
