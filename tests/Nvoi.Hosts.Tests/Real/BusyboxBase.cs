namespace Nvoi.Hosts.Tests.Real;

/// <summary>
/// The examples' base image busybox:1.36, built locally from Debian's busybox-static on scratch (the test
/// machine pulls nothing from a public registry). Built once per engine; an image already there is kept.
/// </summary>
internal static class BusyboxBase
{
    public const string Tag = "busybox:1.36";
    private static readonly Lazy<Task> Built = new(BuildAsync);

    public static Task EnsureAsync() => Built.Value;

    private static async Task BuildAsync()
    {
        if ((await Tool.RunAsync("docker", ["image", "inspect", Tag])).Code == 0) return;
        const string busybox = "/bin/busybox";
        if (!File.Exists(busybox)) throw new InvalidOperationException("install busybox-static (scripts/prereqs/apt.txt)");
        var dir = Directory.CreateTempSubdirectory("nvoi-busybox-");
        try
        {
            File.Copy(busybox, Path.Combine(dir.FullName, "busybox"));
            File.WriteAllText(Path.Combine(dir.FullName, "Dockerfile"),
                "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\nLABEL nvoi.test-base=busybox-static\n");
            await Tool.OkAsync("docker", "build", "--quiet", "-t", Tag, dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
