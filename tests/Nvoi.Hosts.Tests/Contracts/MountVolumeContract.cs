using System.Text;
using Nvoi.Hosts;
using Nvoi.Remote;

namespace Nvoi.Hosts.Tests.Contracts;

/// <summary>
/// mount-volume's behaviour: an empty volume is formatted once and mounted by UUID with one fstab line;
/// running again, or after a reboot, mounts the same file system with its data, never formatting it again.
/// </summary>
public static class MountVolumeContract
{
    public const string MountPath = "/opt/nvoi/volumes/app-db-pg";

    /// <summary>How a contract host puts a file on the mounted volume (root owns it).</summary>
    public delegate Task WriteAsRoot(IRemoteHost host, string path, string text);

    public static async Task FormatsOnceAndKeepsDataAsync(IContractHost server, string device, WriteAsRoot write)
    {
        var first = await ServerSetup.MountVolumeAsync(server.Host, device, MountPath);
        Assert.True(first.Formatted);
        Assert.True(Guid.TryParse(first.Uuid, out _), first.Uuid);
        await AssertOneFstabLineAsync(server.Host, first.Uuid);
        await write(server.Host, MountPath + "/data.txt", "rows\n");

        var again = await ServerSetup.MountVolumeAsync(server.Connect(), device, MountPath);
        Assert.Equal(new MountResult(false, first.Uuid), again);
        await AssertOneFstabLineAsync(server.Host, first.Uuid);
        Assert.Equal("rows\n", await ReadAsync(server.Host, MountPath + "/data.txt"));

        // After a reboot deploy runs the script again: same file system, same data, still one fstab line.
        await server.RebootAsync();
        var afterReboot = await ServerSetup.MountVolumeAsync(server.Host, device, MountPath);
        Assert.Equal(new MountResult(false, first.Uuid), afterReboot);
        await AssertOneFstabLineAsync(server.Host, first.Uuid);
        Assert.Equal("rows\n", await ReadAsync(server.Host, MountPath + "/data.txt"));
    }

    /// <summary>A device that never appears: exit 3 after the wait, nothing created.</summary>
    public static async Task MissingDeviceAsync(IContractHost server)
    {
        var result = await server.Host.RunScriptAsync(HostScripts.Text(HostScripts.MountVolume), ["/dev/nvoi-no-such-device", "/opt/nvoi/volumes/none", "0"]);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("device /dev/nvoi-no-such-device did not appear within 0s\n", result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.False((await server.Host.RunAsync(["test", "-e", "/opt/nvoi/volumes/none"])).Succeeded);
    }

    private static async Task AssertOneFstabLineAsync(IRemoteHost host, string uuid)
    {
        var fstab = (await host.RunAsync(["cat", "/etc/fstab"])).Stdout;
        var lines = fstab.Split('\n').Where(l => l.Contains(uuid, StringComparison.Ordinal)).ToArray();
        Assert.Equal([$"UUID={uuid} {MountPath} xfs defaults,nofail 0 2"], lines);
    }

    private static async Task<string> ReadAsync(IRemoteHost host, string path)
    {
        var result = await host.RunAsync(["cat", path]);
        Assert.True(result.Succeeded, $"cat {path}: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Writing as root through sudo (a real server).</summary>
    public static async Task SudoTee(IRemoteHost host, string path, string text)
    {
        var result = await host.RunAsync(["sudo", "-n", "tee", path], new MemoryStream(Encoding.UTF8.GetBytes(text)));
        Assert.True(result.Succeeded, result.Stderr);
    }

    /// <summary>Writing through an upload (the simulated host has no users).</summary>
    public static Task Upload(IRemoteHost host, string path, string text) =>
        host.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), path);
}
