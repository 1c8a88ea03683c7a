using Nvoi.Hosts.Tests.Contracts;
using Nvoi.Hosts.Tests.Real;

namespace Nvoi.Hosts.Tests;

/// <summary>mount-volume on a real host: a loop device attached as a cloud volume, XFS, fstab, a container restart as the reboot.</summary>
public sealed class MountVolumeOnARealHost
{
    [Fact]
    public async Task Formats_once_and_keeps_the_data_across_runs_and_a_reboot()
    {
        await using var volume = await LoopDevice.CreateAsync();
        await using var real = await RealHost.StartAsync("app-db-1", volume.Path);
        await using var host = new RealContractHost(real);
        await MountVolumeContract.FormatsOnceAndKeepsDataAsync(host, volume.Path, MountVolumeContract.SudoTee);
        var (_, type, _) = await real.ExecAsync("findmnt", "--noheadings", "--output", "FSTYPE,SOURCE", MountVolumeContract.MountPath);
        Assert.Equal($"xfs    {volume.Path}", type.Trim());
    }
}

[Collection(RealHostCollection.Name)]
public sealed class MountVolumeWithoutADeviceOnARealHost(RealHostFixture fixture)
{
    [Fact]
    public async Task A_device_that_never_appears_fails_with_exit_3()
    {
        await using var host = new RealContractHost(fixture.Host);
        await MountVolumeContract.MissingDeviceAsync(host);
    }
}

public sealed class MountVolumeOnTheSimulatedHost
{
    [Fact]
    public async Task Formats_once_and_keeps_the_data_across_runs_and_a_reboot()
    {
        using var host = new SimulatedContractHost("/dev/sdb");
        await MountVolumeContract.FormatsOnceAndKeepsDataAsync(host, "/dev/sdb", MountVolumeContract.Upload);
    }

    [Fact]
    public async Task A_device_that_never_appears_fails_with_exit_3()
    {
        using var host = new SimulatedContractHost();
        await MountVolumeContract.MissingDeviceAsync(host);
    }
}
