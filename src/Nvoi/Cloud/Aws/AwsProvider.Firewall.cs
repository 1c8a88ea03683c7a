using Amazon.EC2;
using Amazon.EC2.Model;

namespace Nvoi.Cloud.Aws;

/// <summary>Firewall: a security group in the network's VPC, inbound TCP 22 only.</summary>
public sealed partial class AwsProvider
{
    /// <summary>
    /// The security group with that name. nvoi 0.2.0 created it in the default VPC: when groups of
    /// that name exist in several VPCs, one outside the default VPC wins.
    /// </summary>
    public async Task<FirewallInfo?> FindFirewallAsync(string name, CancellationToken ct)
    {
        var groups = (await _calls.Read(t => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [F("group-name", name)] }, t), ct)
            .ConfigureAwait(false)).SecurityGroups ?? [];
        if (groups.Count > 1)
        {
            var defaults = (await _calls.Read(t => _ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [F("is-default", "true")] }, t), ct)
                .ConfigureAwait(false)).Vpcs?.Select(v => v.VpcId).ToHashSet() ?? [];
            groups = [.. groups.OrderBy(g => defaults.Contains(g.VpcId) ? 1 : 0)];
        }
        var group = groups.FirstOrDefault();
        return group is null ? null : new FirewallInfo(group.GroupId, name);
    }

    /// <summary>A security group belongs to a VPC.</summary>
    public bool FirewallNeedsNetwork => true;

    /// <summary>Creates, or completes, the security group in the network's VPC: inbound TCP 22 from anywhere, everything from the VPC.</summary>
    public async Task<FirewallInfo> CreateFirewallAsync(string name, NetworkInfo? network, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(network);
        var group = await FindGroupAsync(name, network.Id, ct).ConfigureAwait(false)
            ?? await CreateGroupAsync(name, network, ct).ConfigureAwait(false);
        var hasSsh = group.IpPermissions?.Any(p => p.IpProtocol == "tcp" && p.FromPort == 22 && p.ToPort == 22
            && p.Ipv4Ranges?.Any(r => r.CidrIp == "0.0.0.0/0") == true) == true;
        if (!hasSsh)
            await _calls.Ensure(t => _ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
            {
                GroupId = group.GroupId,
                IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0", Description = "SSH" }] }],
            }, t), ct, "InvalidPermission.Duplicate").ConfigureAwait(false);
        // Unlike Hetzner's firewalls and Scaleway's security groups, an EC2 security group also filters the
        // private network: the servers must reach each other there (k3s API, flannel, kubelet).
        var hasPrivate = group.IpPermissions?.Any(p => p.IpProtocol == "-1"
            && p.Ipv4Ranges?.Any(r => r.CidrIp == VpcCidr) == true) == true;
        if (!hasPrivate)
            await _calls.Ensure(t => _ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
            {
                GroupId = group.GroupId,
                IpPermissions = [new IpPermission { IpProtocol = "-1", Ipv4Ranges = [new IpRange { CidrIp = VpcCidr, Description = "private network" }] }],
            }, t), ct, "InvalidPermission.Duplicate").ConfigureAwait(false);
        return new FirewallInfo(group.GroupId, name);
    }

    private async Task<SecurityGroup> CreateGroupAsync(string name, NetworkInfo network, CancellationToken ct)
    {
        try
        {
            return await _calls.CreateOnceAsync<SecurityGroup>(
                async t =>
                {
                    await _ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest
                    {
                        GroupName = name, Description = "Managed by nvoi", VpcId = network.Id,
                        TagSpecifications = NameTags(ResourceType.SecurityGroup, name),
                    }, t).ConfigureAwait(false);
                    return await FindGroupAsync(name, network.Id, t).ConfigureAwait(false)
                        ?? throw new CloudApiException(ProviderName, 0, null, $"security group {name} vanished after it was created");
                },
                t => FindGroupAsync(name, network.Id, t), ct).ConfigureAwait(false);
        }
        catch (CloudApiException e) when (e.Code == "InvalidGroup.Duplicate")
        {
            // Someone created it in between: use theirs.
            var theirs = await FindGroupAsync(name, network.Id, ct).ConfigureAwait(false);
            if (theirs is null) throw;
            return theirs;
        }
    }

    public async Task DeleteFirewallAsync(FirewallInfo firewall, CancellationToken ct) =>
        await DependentDelete(t => _ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = firewall.Id }, t),
            ct, "InvalidGroup.NotFound").ConfigureAwait(false);

    private async Task<SecurityGroup?> FindGroupAsync(string name, string? vpcId, CancellationToken ct)
    {
        List<Filter> filters = [F("group-name", name)];
        if (vpcId is not null) filters.Add(F("vpc-id", vpcId));
        var response = await _calls.Read(t => _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = filters }, t), ct).ConfigureAwait(false);
        return response.SecurityGroups?.FirstOrDefault();
    }
}
