using Nvoi.Build;
using Nvoi.Cloud;
using Microsoft.Extensions.Time.Testing;

namespace Nvoi.Tests.Build;

public class DockerCommandsTests
{
    private static BuildRequest Request(string platform) =>
        new("/src/my app", platform, "nvoi-myapp", "20261125194749", "localhost:35123");

    [Theory]
    [InlineData(CpuArchitecture.Amd64, "linux/amd64")]
    [InlineData(CpuArchitecture.Arm64, "linux/arm64")]
    public void Build_argv_per_platform(CpuArchitecture arch, string platform)
    {
        Assert.Equal(platform, ImageConstants.PlatformFor(arch));
        var r = Request(ImageConstants.PlatformFor(arch));
        Assert.Equal(
            ["build", "--platform", platform, "--cache-from", "nvoi-myapp:latest",
             "-t", "nvoi-myapp:20261125194749", "-t", "nvoi-myapp:latest",
             "-f", Path.GetFullPath("/src/my app/Dockerfile"), "/src/my app"],
            DockerCommands.Build(r));
    }

    [Fact]
    public void Tag_and_push_target_the_tunnelled_registry()
    {
        var r = Request("linux/amd64");
        Assert.Equal(["tag", "nvoi-myapp:20261125194749", "localhost:35123/nvoi-myapp:20261125194749"], DockerCommands.Tag(r));
        Assert.Equal(["push", "localhost:35123/nvoi-myapp:20261125194749"], DockerCommands.Push(r));
        Assert.Equal("localhost:30500/nvoi-myapp:20261125194749", r.ClusterImage);
    }

    [Fact]
    public void Explicit_dockerfile_is_used()
    {
        var r = Request("linux/arm64") with { DockerfilePath = "/src/other/Dockerfile.prod" };
        var argv = DockerCommands.Build(r);
        Assert.Equal("/src/other/Dockerfile.prod", argv[argv.Count - 2]);
    }

    [Fact]
    public void Tag_is_utc_timestamp_from_the_time_provider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 21, 7, 3, TimeSpan.FromHours(2)));
        Assert.Equal("20261125190703", ImageConstants.TagFor(time));
    }

    [Theory]
    [InlineData("20261125: digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef size: 528",
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("The push refers to repository [localhost:35123/nvoi-myapp]", null)]
    [InlineData("x: digest: sha256:0123 size: 1", null)]
    public void Digest_is_read_from_push_output(string line, string? digest) =>
        Assert.Equal(digest, DockerCommands.DigestFromPushLine(line));

    [Fact]
    public void Find_on_path_returns_first_match_or_null()
    {
        using var files = new BuildTestFiles();
        var docker = files.FakeDocker("exit 0");
        Assert.Equal(docker, DockerCommands.FindOnPath($"/nonexistent{Path.PathSeparator}{files.BinDir}"));
        Assert.Null(DockerCommands.FindOnPath("/nonexistent"));
        Assert.Null(DockerCommands.FindOnPath(null));
    }
}
