using Nvoi.Build;

namespace Nvoi.Tests.Build;

public class DockerAvailabilityTests
{
    [Fact]
    public async Task Engine_that_does_not_answer_is_unavailable_with_its_reason()
    {
        using var f = new BuildTestFiles();
        f.FakeDocker("""
            echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
            exit 1
            """);

        var status = await DockerAvailability.CheckAsync(f.BinDir, CancellationToken.None);

        Assert.False(status.Available);
        Assert.Equal("the Docker engine does not answer (docker info exited 1): Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", status.Reason);
        Assert.Equal(["DOCKER_BUILDKIT=1", "info", "--format", "{{.ServerVersion}}"], f.Calls().Single());
    }

    [Fact]
    public async Task Engine_that_answers_is_available()
    {
        using var f = new BuildTestFiles();
        f.FakeDocker("echo 27.3.1");

        var status = await DockerAvailability.CheckAsync(f.BinDir, CancellationToken.None);

        Assert.True(status.Available);
        Assert.Equal("Docker engine 27.3.1", status.Reason);
    }

    [Fact]
    public async Task No_docker_on_path_is_unavailable()
    {
        using var f = new BuildTestFiles();
        var status = await DockerAvailability.CheckAsync(f.BinDir, CancellationToken.None);
        Assert.False(status.Available);
        Assert.Equal("docker is not installed (no docker on PATH)", status.Reason);
    }

    [Fact]
    public async Task Docker_that_cannot_be_started_is_unavailable()
    {
        using var f = new BuildTestFiles();
        File.SetUnixFileMode(f.FakeDocker("exit 0"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var status = await DockerAvailability.CheckAsync(f.BinDir, CancellationToken.None);

        Assert.False(status.Available);
        Assert.Matches(@"^docker could not be started \(/.*/docker\): .+", status.Reason);
    }
}
