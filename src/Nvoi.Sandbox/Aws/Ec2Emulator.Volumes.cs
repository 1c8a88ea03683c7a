using System.Xml.Linq;
using static Nvoi.Sandbox.Aws.Ec2Xml;

namespace Nvoi.Sandbox.Aws;

public sealed partial class Ec2Emulator
{
    private XElement[] CreateVolume(Ec2Request r)
    {
        var token = r.Get("ClientToken");
        if (token is not null && _state.ClientTokens.TryGetValue(token, out var existingId) && _state.Volumes.TryGetValue(existingId, out var existing))
            return CreatedVolume(existing);
        var zone = r.Required("AvailabilityZone");
        if (Region(zone) != r.Region || zone[^1] is < 'a' or > 'c')
            throw new Ec2Error(400, "InvalidParameterValue", $"Invalid availability zone: [{zone}]");
        var size = r.Int("Size") ?? throw new Ec2Error(400, "MissingParameter", "The request must contain the parameter size/snapshot");
        var type = r.Get("VolumeType") ?? "gp2";
        if (type is "gp3" or "gp2" && size is < 1 or > 16384)
            throw new Ec2Error(400, "InvalidParameterValue", $"Volume of {size}GiB is outside the allowed range 1-16384 for {type}.");
        var volume = new Volume { Id = NewId("vol"), Size = size, AvailabilityZone = zone, VolumeType = type, CreateTime = Now, ClientToken = token };
        ApplyTags(r, volume, "volume");
        _state.Volumes[volume.Id] = volume;
        if (token is not null) _state.ClientTokens[token] = volume.Id;
        return CreatedVolume(volume);
    }

    private static XElement[] CreatedVolume(Volume v) =>
        [E("volumeId", v.Id), E("size", v.Size), E("snapshotId", ""), E("availabilityZone", v.AvailabilityZone), E("status", "creating"),
         E("createTime", v.CreateTime), E("volumeType", v.VolumeType), E("iops", 3000), E("throughput", 125), E("encrypted", false),
         TagSet(v.Tags), E("multiAttachEnabled", false)];

    private XElement[] DescribeVolumes(Ec2Request r)
    {
        var ids = r.List("VolumeId");
        foreach (var id in ids) Lookup(_state.Volumes, id, "InvalidVolume.NotFound", "volume");
        var items = Filter(r, _state.Volumes.Values.Where(v => ids.Count == 0 || ids.Contains(v.Id)), (v, f) => f switch
        {
            "volume-id" => [v.Id], "status" => [v.InstanceId is null ? "available" : "in-use"], "availability-zone" => [v.AvailabilityZone],
            "attachment.instance-id" => [v.InstanceId], "volume-type" => [v.VolumeType], "size" => [v.Size.ToString()],
            _ => TagFilter(v, f),
        });
        var (page, next) = Paginate(r, items.ToList(), 5, 500, null);
        return [Set("volumeSet", page.Select(v => Ec2Xml.Volume(v))), Opt("nextToken", next)!];
    }

    private XElement[] AttachVolume(Ec2Request r)
    {
        var volume = Lookup(_state.Volumes, r.Required("VolumeId"), "InvalidVolume.NotFound", "volume");
        var instance = Lookup(_state.Instances, r.Required("InstanceId"), "InvalidInstanceID.NotFound", "instance");
        var device = r.Required("Device");
        if (volume.InstanceId is not null)
            throw new Ec2Error(400, "VolumeInUse", $"{volume.Id} is already attached to an instance");
        var state = InstanceState(instance);
        if (state is not "running")
            throw new Ec2Error(400, "IncorrectState", $"Instance '{instance.Id}' is not 'running'.");
        if (volume.AvailabilityZone != instance.AvailabilityZone)
            throw new Ec2Error(400, "InvalidVolume.ZoneMismatch", $"The volume '{volume.Id}' is not in the same availability zone as instance '{instance.Id}'");
        if (!System.Text.RegularExpressions.Regex.IsMatch(device, "^/dev/(sd[b-z]|xvd[b-z])$"))
            throw new Ec2Error(400, "InvalidParameterValue", $"Value ({device}) for parameter device is invalid. {device} is not a valid EBS device name.");
        if (device == "/dev/sda1" || _state.Volumes.Values.Any(v => v.InstanceId == instance.Id && v.Device == device))
            throw new Ec2Error(400, "InvalidParameterValue", $"Invalid value '{device}' for unixDevice. Attachment point {device} is already in use");
        (volume.InstanceId, volume.Device, volume.AttachTime) = (instance.Id, device, Now);
        return [E("volumeId", volume.Id), E("instanceId", instance.Id), E("device", device), E("status", "attaching"), E("attachTime", Now)];
    }

    private XElement[] DetachVolume(Ec2Request r)
    {
        var volume = Lookup(_state.Volumes, r.Required("VolumeId"), "InvalidVolume.NotFound", "volume");
        if (volume.InstanceId is null)
            throw new Ec2Error(400, "IncorrectState", $"Volume '{volume.Id}' is in the 'available' state.");
        var answer = new[] { E("volumeId", volume.Id), E("instanceId", volume.InstanceId), E("device", volume.Device), E("status", "detaching"), E("attachTime", volume.AttachTime) };
        (volume.InstanceId, volume.Device, volume.AttachTime) = (null, null, null);
        return answer;
    }

    private XElement[] DeleteVolume(Ec2Request r)
    {
        var volume = Lookup(_state.Volumes, r.Required("VolumeId"), "InvalidVolume.NotFound", "volume");
        if (volume.InstanceId is not null)
            throw new Ec2Error(400, "VolumeInUse", $"Volume {volume.Id} is currently attached to {volume.InstanceId}");
        _state.Volumes.Remove(volume.Id);
        return Return();
    }
}
