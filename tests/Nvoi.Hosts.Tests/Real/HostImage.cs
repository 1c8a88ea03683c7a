namespace Nvoi.Hosts.Tests.Real;

/// <summary>
/// The test host image, built by scripts/host-image/build.sh (which scripts/install-test-prereqs.sh runs
/// first; here it only finds the image by its input hash and prints its tag). NVOI_TEST_HOST_IMAGE names another image.
/// </summary>
internal static class HostImage
{
    private static readonly Lazy<Task<string>> Tag = new(async () =>
    {
        if (Environment.GetEnvironmentVariable("NVOI_TEST_HOST_IMAGE") is { Length: > 0 } given) return given;
        var output = await Tool.OkAsync("bash", Path.Combine(Tool.RepositoryRoot, "scripts/host-image/build.sh"));
        return output.Split('\n')[^1].Trim();
    });

    public static Task<string> TagAsync() => Tag.Value;
}
