using Amazon.EC2.Model;

namespace Nvoi.Cloud.Aws;

public sealed partial class AwsProvider
{
    /// <summary>DescribeRegions needs no special permission and fails with AuthFailure on bad keys.</summary>
    public async Task ValidateCredentialsAsync(CancellationToken ct) =>
        await _calls.Read(t => _ec2.DescribeRegionsAsync(new DescribeRegionsRequest(), t), ct).ConfigureAwait(false);

    public async Task ValidateLocationAsync(string location, CancellationToken ct)
    {
        IReadOnlyList<LocationInfo> regions;
        try { regions = await ListLocationsAsync(ct).ConfigureAwait(false); }
        catch (CloudApiException e) when (e.StatusCode == 0 && location == _region
            && Amazon.RegionEndpoint.EnumerableAllRegions.All(r => r.SystemName != location))
        {
            // A made-up region has no endpoint to ask: answer from the SDK's list of regions.
            throw new CloudValidationException(
                $"aws: region '{location}' does not exist; valid regions: {string.Join(", ", Amazon.RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName).Order())}");
        }
        if (regions.All(r => r.Name != location))
            throw new CloudValidationException(
                $"aws: region '{location}' does not exist; valid regions: {string.Join(", ", regions.Select(r => r.Name).Order())}");
    }

    public async Task ValidateServerTypeAsync(string serverType, string location, CancellationToken ct)
    {
        if (await DescribeTypeAsync(serverType, ct).ConfigureAwait(false) is not null) return;
        var known = (await ListServerTypesAsync(ct).ConfigureAwait(false)).Select(t => t.Name).Order().Take(20).ToList();
        throw new CloudValidationException(
            $"aws: instance type '{serverType}' does not exist in {_region}; valid types include: {string.Join(", ", known)}");
    }

    /// <summary>Every instance type with vCPUs and memory. EC2 has no price API, so the price is null.</summary>
    public async Task<IReadOnlyList<ServerTypeInfo>> ListServerTypesAsync(CancellationToken ct)
    {
        var result = new List<ServerTypeInfo>();
        string? token = null;
        do
        {
            var page = await _calls.Read(t => _ec2.DescribeInstanceTypesAsync(
                new DescribeInstanceTypesRequest { MaxResults = PageSize, NextToken = token }, t), ct).ConfigureAwait(false);
            foreach (var type in page.InstanceTypes ?? [])
                result.Add(ToServerType(type));
            token = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        } while (token is not null);
        return result;
    }

    public async Task<IReadOnlyList<LocationInfo>> ListLocationsAsync(CancellationToken ct)
    {
        var response = await _calls.Read(t => _ec2.DescribeRegionsAsync(new DescribeRegionsRequest(), t), ct).ConfigureAwait(false);
        return [.. (response.Regions ?? []).Select(r => new LocationInfo(r.RegionName, r.Endpoint ?? r.RegionName))];
    }

    public async Task<CpuArchitecture> GetArchitectureAsync(string serverType, CancellationToken ct)
    {
        var type = await DescribeTypeAsync(serverType, ct).ConfigureAwait(false)
            ?? throw new CloudValidationException($"aws: instance type '{serverType}' does not exist in {_region}");
        return ArchitectureOf(type);
    }

    private readonly Dictionary<string, InstanceTypeInfo> _typeCache = [];

    /// <summary>One instance type, or null when EC2 says it does not exist.</summary>
    private async Task<InstanceTypeInfo?> DescribeTypeAsync(string name, CancellationToken ct)
    {
        lock (_typeCache)
            if (_typeCache.TryGetValue(name, out var cached)) return cached;
        try
        {
            var response = await _calls.Read(t => _ec2.DescribeInstanceTypesAsync(
                new DescribeInstanceTypesRequest { InstanceTypes = [name] }, t), ct).ConfigureAwait(false);
            var type = response.InstanceTypes?.FirstOrDefault();
            if (type is not null)
                lock (_typeCache) _typeCache[name] = type;
            return type;
        }
        catch (CloudApiException e) when (e.Code is "InvalidInstanceType" || e.Code == "InvalidParameterValue" && e.StatusCode == 400)
        {
            return null;
        }
    }

    private static CpuArchitecture ArchitectureOf(InstanceTypeInfo type) =>
        type.ProcessorInfo?.SupportedArchitectures?.Contains("arm64") == true ? CpuArchitecture.Arm64 : CpuArchitecture.Amd64;

    private ServerTypeInfo ToServerType(InstanceTypeInfo type) => new(
        type.InstanceType.Value,
        type.VCpuInfo?.DefaultVCpus ?? 0,
        Math.Round((type.MemoryInfo?.SizeInMiB ?? 0) / 1024.0, 2),
        MonthlyPrice: null,
        Currency: "USD",
        ArchitectureOf(type),
        [_region]);

    /// <summary>NVMe device path on Nitro instances, /dev/xvdX on Xen ones.</summary>
    private async Task<string> DevicePathAsync(string instanceType, string device, string volumeId, CancellationToken ct)
    {
        var type = await DescribeTypeAsync(instanceType, ct).ConfigureAwait(false);
        var nvme = type?.Hypervisor?.Value == "nitro" || type?.EbsInfo?.NvmeSupport?.Value == "required";
        return nvme
            ? "/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_" + volumeId.Replace("-", "")
            : "/dev/xvd" + device[^1];
    }
}
