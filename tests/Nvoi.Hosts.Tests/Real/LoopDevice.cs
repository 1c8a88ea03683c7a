namespace Nvoi.Hosts.Tests.Real;

/// <summary>A loop device over a sparse file: the block volume a cloud attaches, handed to a test host.</summary>
internal sealed class LoopDevice : IAsyncDisposable
{
    private readonly string _backing;

    private LoopDevice(string path, string backing)
    {
        Path = path;
        _backing = backing;
    }

    /// <summary>The device node, e.g. /dev/loop3.</summary>
    public string Path { get; }

    public static async Task<LoopDevice> CreateAsync(long bytes = 320L << 20)
    {
        var backing = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nvoi-volume-{Guid.NewGuid():N}.img");
        await using (var file = File.Create(backing)) file.SetLength(bytes);
        try
        {
            return new LoopDevice(await Tool.OkAsync("losetup", "--find", "--show", backing), backing);
        }
        catch
        {
            File.Delete(backing);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Tool.RunAsync("losetup", ["--detach", Path]);
        File.Delete(_backing);
    }
}
