using Microsoft.Extensions.Time.Testing;
using Nvoi.Build;
using Nvoi.Operations.Progress;

namespace Nvoi.Tests.Build;

public class DockerImageBuilderTests
{
    private const string Digest = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 25, 19, 0, 0, TimeSpan.Zero));

    private static BuildRequest Request(BuildTestFiles f, string platform = "linux/arm64") =>
        new(f.Context, platform, "nvoi-myapp", "20261125190000", "localhost:35123");

    [Fact]
    public async Task Runs_build_tag_push_with_exact_argv_and_forwards_output()
    {
        using var f = new BuildTestFiles();
        f.Write("Dockerfile", "FROM alpine\n");
        var docker = f.FakeDocker($"""
            case "$1" in
              build) echo "#1 [internal] load build definition"; echo "#2 DONE 0.1s" >&2 ;;
              push) echo "The push refers to repository"; echo "20261125190000: digest: {Digest} size: 528" ;;
            esac
            exit 0
            """);
        var sink = new RecordingSink();

        var image = await new DockerImageBuilder(docker, Time).BuildAndPushAsync(Request(f), sink, "build", CancellationToken.None);

        Assert.Equal(new BuiltImage("nvoi-myapp:20261125190000", "localhost:30500/nvoi-myapp:20261125190000", Digest), image);
        var dockerfile = Path.Combine(f.Context, "Dockerfile");
        Assert.Equal(
        [
            ["DOCKER_BUILDKIT=1", "build", "--platform", "linux/arm64", "--cache-from", "nvoi-myapp:latest", "-t", "nvoi-myapp:20261125190000",
             "-t", "nvoi-myapp:latest", "-f", dockerfile, f.Context],
            ["DOCKER_BUILDKIT=1", "tag", "nvoi-myapp:20261125190000", "localhost:35123/nvoi-myapp:20261125190000"],
            ["DOCKER_BUILDKIT=1", "push", "localhost:35123/nvoi-myapp:20261125190000"],
        ], f.Calls());
        var details = sink.Events.OfType<ProgressMessage>().Where(m => m.Level == MessageLevel.Detail).ToList();
        Assert.All(details, m => Assert.Equal("build", m.StepId));
        Assert.All(details, m => Assert.Equal(Time.GetUtcNow(), m.At));
        Assert.Contains(details, m => m.Text == "#1 [internal] load build definition");
        Assert.Contains(details, m => m.Text == "#2 DONE 0.1s");
        Assert.Contains(details, m => m.Text.Contains(Digest));
    }

    [Fact]
    public async Task Falls_back_to_image_id_when_push_prints_no_digest()
    {
        using var f = new BuildTestFiles();
        f.Write("Dockerfile", "FROM alpine\n");
        var docker = f.FakeDocker($"""
            if [ "$1" = image ]; then echo "{Digest}"; fi
            exit 0
            """);

        var image = await new DockerImageBuilder(docker, Time).BuildAndPushAsync(Request(f), new RecordingSink(), "build", CancellationToken.None);

        Assert.Equal(Digest, image.ContentDigest);
        Assert.Equal(["DOCKER_BUILDKIT=1", "image", "inspect", "--format", "{{.Id}}", "nvoi-myapp:20261125190000"], f.Calls()[3]);
    }

    [Fact]
    public async Task Failed_build_throws_with_the_last_output_lines_and_stops()
    {
        using var f = new BuildTestFiles();
        f.Write("Dockerfile", "FROM alpine\n");
        var docker = f.FakeDocker("""
            # BuildKit writes its progress and its error to stderr: one stream, so their order is kept.
            for i in 1 2 3 4 5 6 7 8; do echo "line $i" >&2; done
            echo "ERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully" >&2
            exit 17
            """);

        var ex = await Assert.ThrowsAsync<ImageBuildException>(() =>
            new DockerImageBuilder(docker, Time).BuildAndPushAsync(Request(f), new RecordingSink(), "build", CancellationToken.None));

        Assert.IsAssignableFrom<NvoiException>(ex);
        Assert.StartsWith("docker build of nvoi-myapp:20261125190000 failed (exit code 17): ", ex.Message);
        Assert.Contains("ERROR: failed to solve", ex.Message);
        Assert.DoesNotContain("line 3", ex.Message);
        Assert.Contains("line 3", ex.OutputTail);
        Assert.Single(f.Calls()); // no tag, no push
    }

    [Fact]
    public async Task Missing_dockerfile_is_a_clear_error_before_docker_runs()
    {
        using var f = new BuildTestFiles();
        var docker = f.FakeDocker("exit 0");

        var ex = await Assert.ThrowsAsync<ImageBuildException>(() =>
            new DockerImageBuilder(docker, Time).BuildAndPushAsync(Request(f), new RecordingSink(), "build", CancellationToken.None));

        Assert.Equal($"no Dockerfile at {Path.Combine(f.Context, "Dockerfile")}: nvoi deploy builds the app image from it", ex.Message);
        Assert.False(File.Exists(f.CallLog));
    }

    [Fact]
    public async Task Cancelled_build_runs_nothing()
    {
        using var f = new BuildTestFiles();
        f.Write("Dockerfile", "FROM alpine\n");
        var docker = f.FakeDocker("exit 0");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new DockerImageBuilder(docker, Time).BuildAndPushAsync(Request(f), new RecordingSink(), "build", cts.Token));

        Assert.False(File.Exists(f.CallLog));
    }

    [Fact]
    public async Task No_docker_client_is_a_clear_error()
    {
        using var f = new BuildTestFiles();
        f.Write("Dockerfile", "FROM alpine\n");
        var ex = await Assert.ThrowsAsync<ImageBuildException>(() =>
            new DockerImageBuilder(Path.Combine(f.BinDir, "docker"), Time).BuildAndPushAsync(Request(f), new RecordingSink(), "build", CancellationToken.None));
        Assert.StartsWith("docker could not be started", ex.Message);
    }
}
