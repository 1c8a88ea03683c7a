using Amazon.EC2;
using Amazon.EC2.Model;

namespace Nvoi.Cloud.Aws;

public sealed partial class AwsProvider
{
    /// <summary>Device names tried for data volumes, in order.</summary>
    private static readonly string[] DeviceNames = [.. "fghijklmnop".Select(c => "/dev/sd" + c)];

    public async Task<VolumeInfo?> FindVolumeAsync(string name, CancellationToken ct)
    {
        var volumes = await DescribeVolumesAsync([F("tag:Name", name)], ct).ConfigureAwait(false);
        var volume = volumes.FirstOrDefault(v => v.State?.Value is not ("deleting" or "deleted" or "error"));
        return volume is null ? null : await ToVolumeAsync(volume, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<VolumeInfo>> ListVolumesAsync(CancellationToken ct)
    {
        var volumes = await DescribeVolumesAsync([F("status", "creating", "available", "in-use")], ct).ConfigureAwait(false);
        var result = new List<VolumeInfo>();
        foreach (var v in volumes) result.Add(await ToVolumeAsync(v, ct).ConfigureAwait(false));
        return result;
    }

    /// <summary>
    /// A gp3 volume in the given availability zone (a region as location means its "a" zone, where
    /// the subnet is). A client token makes EC2 deduplicate retries; waits until it is available.
    /// </summary>
    public async Task<VolumeInfo> CreateVolumeAsync(VolumeSpec spec, CancellationToken ct)
    {
        if (await FindVolumeAsync(spec.Name, ct).ConfigureAwait(false) is { } existing) return existing;
        var zone = IsZone(spec.Location) ? spec.Location : DefaultZone;
        var request = new CreateVolumeRequest
        {
            AvailabilityZone = zone,
            Size = spec.SizeGb,
            VolumeType = VolumeType.Gp3,
            TagSpecifications = NameTags(ResourceType.Volume, spec.Name, spec.Labels),
            ClientToken = Guid.NewGuid().ToString("N"),
        };
        var created = (await _calls.Read(t => _ec2.CreateVolumeAsync(request, t), ct).ConfigureAwait(false)).Volume;
        var ready = await WaitAsync($"volume {created.VolumeId} to become available", OperationTimeout, async t =>
        {
            var v = await DescribeVolumeAsync(created.VolumeId, t).ConfigureAwait(false);
            return v?.State?.Value is "available" or "in-use" ? v : null;
        }, ct).ConfigureAwait(false);
        return await ToVolumeAsync(ready, ct).ConfigureAwait(false);
    }

    private bool IsZone(string location) =>
        location.Length == _region.Length + 1 && location.StartsWith(_region, StringComparison.Ordinal) && char.IsAsciiLetterLower(location[^1]);

    /// <summary>Attaches are serialised so parallel ones do not pick the same free device name.</summary>
    private readonly SemaphoreSlim _attachLock = new(1, 1);

    /// <summary>Attaches at the first free /dev/sdf../dev/sdp and waits until attached; returns the device path the host sees.</summary>
    public async Task<VolumeInfo> AttachVolumeAsync(VolumeInfo volume, ServerInfo server, CancellationToken ct)
    {
        await _attachLock.WaitAsync(ct).ConfigureAwait(false);
        try { return await AttachLockedAsync(volume, server, ct).ConfigureAwait(false); }
        finally { _attachLock.Release(); }
    }

    private async Task<VolumeInfo> AttachLockedAsync(VolumeInfo volume, ServerInfo server, CancellationToken ct)
    {
        var current = await DescribeVolumeAsync(volume.Id, ct).ConfigureAwait(false)
            ?? throw new CloudApiException(ProviderName, 400, "InvalidVolume.NotFound", $"volume {volume.Name} ({volume.Id}) does not exist");
        var attachment = current.Attachments?.FirstOrDefault();
        if (attachment is not null && attachment.InstanceId != server.Id)
            throw new CloudApiException(ProviderName, 400, "VolumeInUse", $"volume {volume.Name} is attached to another instance ({attachment.InstanceId})");
        if (attachment is null)
        {
            var instance = await DescribeInstanceAsync(server.Id, ct).ConfigureAwait(false)
                ?? throw new CloudApiException(ProviderName, 400, "InvalidInstanceID.NotFound", $"instance {server.Name} ({server.Id}) does not exist");
            var used = (instance.BlockDeviceMappings ?? []).Select(m => m.DeviceName).ToHashSet();
            var device = DeviceNames.FirstOrDefault(d => !used.Contains(d) && !used.Contains(d.Replace("/dev/sd", "/dev/xvd")))
                ?? throw new CloudApiException(ProviderName, 0, null, $"instance {server.Name} has no free device name for volume {volume.Name}");
            try
            {
                await _calls.Read(t => _ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume.Id, InstanceId = server.Id, Device = device }, t), ct).ConfigureAwait(false);
            }
            catch (CloudApiException e) when (e.Code == "VolumeInUse")
            {
                // A retried attach whose first attempt went through; checked below.
            }
        }
        var attached = await WaitAsync($"volume {volume.Id} to attach", OperationTimeout, async t =>
        {
            var v = await DescribeVolumeAsync(volume.Id, t).ConfigureAwait(false);
            var a = v?.Attachments?.FirstOrDefault();
            if (a is not null && a.InstanceId != server.Id)
                throw new CloudApiException(ProviderName, 400, "VolumeInUse", $"volume {volume.Name} is attached to another instance ({a.InstanceId})");
            return a?.State?.Value == "attached" ? v : null;
        }, ct).ConfigureAwait(false);
        return await ToVolumeAsync(attached, ct).ConfigureAwait(false);
    }

    public async Task DetachVolumeAsync(VolumeInfo volume, CancellationToken ct)
    {
        var current = await DescribeVolumeAsync(volume.Id, ct).ConfigureAwait(false);
        if (current is null || current.Attachments is not { Count: > 0 }) return;
        await _calls.Ensure(t => _ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volume.Id }, t), ct, "IncorrectState", "InvalidVolume.NotFound").ConfigureAwait(false);
        await WaitAsync($"volume {volume.Id} to detach", OperationTimeout, async t =>
        {
            var v = await DescribeVolumeAsync(volume.Id, t).ConfigureAwait(false);
            return v is null || v.State?.Value == "available" ? volume : null;
        }, ct).ConfigureAwait(false);
    }

    public async Task DeleteVolumeAsync(VolumeInfo volume, CancellationToken ct) =>
        await _calls.Ensure(t => _ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volume.Id }, t), ct, "InvalidVolume.NotFound").ConfigureAwait(false);

    private async Task<Volume?> DescribeVolumeAsync(string id, CancellationToken ct)
    {
        try
        {
            var response = await _calls.Read(t => _ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [id] }, t), ct).ConfigureAwait(false);
            return response.Volumes?.FirstOrDefault();
        }
        catch (CloudApiException e) when (e.Code == "InvalidVolume.NotFound") { return null; }
    }

    private async Task<List<Volume>> DescribeVolumesAsync(List<Filter> filters, CancellationToken ct)
    {
        var result = new List<Volume>();
        string? token = null;
        do
        {
            var page = await _calls.Read(t => _ec2.DescribeVolumesAsync(
                new DescribeVolumesRequest { Filters = filters, MaxResults = PageSize, NextToken = token }, t), ct).ConfigureAwait(false);
            result.AddRange(page.Volumes ?? []);
            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        } while (token is not null);
        return result;
    }

    private async Task<VolumeInfo> ToVolumeAsync(Volume v, CancellationToken ct)
    {
        var attachment = v.Attachments?.FirstOrDefault(a => a.State?.Value is "attached" or "attaching");
        string? path = null;
        if (attachment is not null)
        {
            var instance = await DescribeInstanceAsync(attachment.InstanceId, ct).ConfigureAwait(false);
            path = await DevicePathAsync(instance?.InstanceType?.Value ?? "", attachment.Device, v.VolumeId, ct).ConfigureAwait(false);
        }
        return new VolumeInfo(v.VolumeId, TagName(v.Tags) ?? v.VolumeId, v.Size ?? 0, v.AvailabilityZone, attachment?.InstanceId, path);
    }
}
