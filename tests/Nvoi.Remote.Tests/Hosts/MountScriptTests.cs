using System.Diagnostics;
using Nvoi.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>
/// Runs the real mount-volume script with stub blkid/mkfs.xfs/findmnt/mount/sudo first in PATH and a
/// temporary fstab (its optional 4th argument), so its decisions are tested without touching a disk.
/// </summary>
public sealed class MountScriptTests : IDisposable
{
    private const string Uuid = "11111111-2222-3333-4444-555555555555";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nvoi-mount-");
    private string State => Path.Combine(_dir.FullName, "state");
    private string Fstab => Path.Combine(_dir.FullName, "fstab");
    private string MountPath => Path.Combine(_dir.FullName, "mnt", "app-db-pg");

    public MountScriptTests()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir.FullName, "bin")).FullName;
        Directory.CreateDirectory(State);
        File.WriteAllText(Fstab, "# fstab\n");
        Stub(bin, "sudo", "exec \"$@\"");
        Stub(bin, "blkid", $"""
            [ -f "$STUB_STATE/probe-error" ] && exit 4
            if [ -f "$STUB_STATE/uuid" ]; then
                case " $* " in *" UUID "*) cat "$STUB_STATE/uuid" ;; *) echo 'TYPE="xfs"' ;; esac
                exit 0
            fi
            exit 2
            """);
        Stub(bin, "mkfs.xfs", $"""echo {Uuid} >"$STUB_STATE/uuid"; echo "$*" >>"$STUB_STATE/mkfs-runs" """);
        Stub(bin, "findmnt", """[ -f "$STUB_STATE/mounted" ]""");
        Stub(bin, "mount", """echo "$*" >>"$STUB_STATE/mount-calls"; touch "$STUB_STATE/mounted" """);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static void Stub(string bin, string name, string body)
    {
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string BlockDevice() =>
        Directory.GetDirectories("/sys/class/block").Select(d => "/dev/" + Path.GetFileName(d)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("no block device node in /dev to stand in for a volume");

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(string device)
    {
        var script = Path.Combine(_dir.FullName, "mount-volume.sh");
        await File.WriteAllTextAsync(script, HostScripts.Text(HostScripts.MountVolume));
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, device, MountPath, "0", Fstab }) start.ArgumentList.Add(a);
        start.Environment["PATH"] = Path.Combine(_dir.FullName, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["STUB_STATE"] = State;
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    private string[] Lines(string name) => File.Exists(Path.Combine(State, name)) ? File.ReadAllLines(Path.Combine(State, name)) : [];

    [Fact]
    public async Task Formats_an_empty_device_once_and_records_it_once()
    {
        var device = BlockDevice();
        var first = await RunAsync(device);
        Assert.Equal((0, $"formatted: yes\nmounted: {device} {MountPath} {Uuid}\n", ""), first);
        Assert.True(Directory.Exists(MountPath));
        Assert.Equal([$"-T {Fstab} {MountPath}"], Lines("mount-calls"));

        var second = await RunAsync(device);
        Assert.Equal((0, $"formatted: no\nmounted: {device} {MountPath} {Uuid}\n", ""), second);
        Assert.Equal([$"-q {device}"], Lines("mkfs-runs"));
        Assert.Single(Lines("mount-calls"));
        Assert.Equal(["# fstab", $"UUID={Uuid} {MountPath} xfs defaults,nofail 0 2"], File.ReadAllLines(Fstab));
    }

    [Fact]
    public async Task A_device_holding_a_filesystem_is_not_formatted()
    {
        File.WriteAllText(Path.Combine(State, "uuid"), Uuid + "\n");
        var result = await RunAsync(BlockDevice());
        Assert.Equal(0, result.Code);
        Assert.StartsWith("formatted: no\n", result.Stdout);
        Assert.Empty(Lines("mkfs-runs"));
    }

    [Fact]
    public async Task A_failed_probe_stops_without_formatting()
    {
        File.WriteAllText(Path.Combine(State, "probe-error"), "");
        var result = await RunAsync(BlockDevice());
        Assert.Equal(5, result.Code);
        Assert.Contains("not formatting", result.Stderr);
        Assert.Empty(Lines("mkfs-runs"));
        Assert.Equal(["# fstab"], File.ReadAllLines(Fstab));
    }

    [Fact]
    public async Task A_missing_device_exits_3()
    {
        var result = await RunAsync("/dev/nvoi-no-such-device");
        Assert.Equal((3, "", "device /dev/nvoi-no-such-device did not appear within 0s\n"), result);
        Assert.Empty(Lines("mkfs-runs"));
    }
}
