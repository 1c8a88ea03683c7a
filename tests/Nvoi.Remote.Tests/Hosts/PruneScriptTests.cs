using Nvoi.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>The real prune-images script against stub k3s ctr/kubectl.</summary>
public sealed class PruneScriptTests : IDisposable
{
    private readonly StubbedShell _sh = new();

    public PruneScriptTests()
    {
        _sh.Stub("sudo", """exec "$@" """);
        _sh.Stub("k3s", """
            case "$1 $4 $5" in
                "kubectl --all-namespaces -o") [ -f "$STUB_STATE/in-use" ] && cat "$STUB_STATE/in-use" ;;
                "ctr images ls") cat "$STUB_STATE/images" ;;
                "ctr images rm") grep -vxF "$6" "$STUB_STATE/images" >"$STUB_STATE/images.new" || true
                                 mv "$STUB_STATE/images.new" "$STUB_STATE/images"; echo "$6" >>"$STUB_STATE/removed" ;;
                *) echo "unexpected k3s $*" >&2; exit 99 ;;
            esac
            """);
    }

    public void Dispose() => _sh.Dispose();

    [Fact]
    public async Task Removes_beyond_keep_but_never_latest_or_in_use()
    {
        var images = new[]
        {
            "localhost:30500/app:20250101", "localhost:30500/app:20250103", "localhost:30500/app:20250102",
            "localhost:30500/app:20250105", "localhost:30500/app:20250104", "localhost:30500/app:latest",
            "localhost:30500/app-other:20240101", "docker.io/rancher/mirrored-pause:3.6",
        };
        await File.WriteAllLinesAsync(Path.Combine(_sh.State, "images"), images);
        await File.WriteAllTextAsync(Path.Combine(_sh.State, "in-use"), "localhost:30500/app:20250101\nrancher/cloudflared:latest\n");

        var result = await _sh.RunAsync(HostScripts.PruneImages, "localhost:30500/app", "2");
        Assert.Equal((0, "removed: localhost:30500/app:20250103\nremoved: localhost:30500/app:20250102\n", ""), result);
        Assert.Equal(
            ["localhost:30500/app:20250101", "localhost:30500/app:20250105", "localhost:30500/app:20250104",
             "localhost:30500/app:latest", "localhost:30500/app-other:20240101", "docker.io/rancher/mirrored-pause:3.6"],
            await File.ReadAllLinesAsync(Path.Combine(_sh.State, "images")));

        var again = await _sh.RunAsync(HostScripts.PruneImages, "localhost:30500/app", "2");
        Assert.Equal((0, "", ""), again);
    }

    [Fact]
    public async Task Does_nothing_when_the_images_in_use_are_unknown()
    {
        await File.WriteAllLinesAsync(Path.Combine(_sh.State, "images"), ["localhost:30500/app:1", "localhost:30500/app:2"]);
        var result = await _sh.RunAsync(HostScripts.PruneImages, "localhost:30500/app", "0");
        Assert.Equal((9, "", "could not list the images pods use; not pruning\n"), result);
        Assert.False(_sh.Exists("removed"));
    }
}
