using Nvoi.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>The real cloud-init-wait script against a stub cloud-init.</summary>
public sealed class CloudInitScriptTests : IDisposable
{
    private readonly StubbedShell _sh = new();

    public void Dispose() => _sh.Dispose();

    private void CloudInit(int waitExit, string status) =>
        _sh.Stub("cloud-init", $"""
            if [ "$2" = --wait ]; then exit {waitExit}; fi
            printf '%s\n' '{status}'
            """);

    [Theory]
    [InlineData(0, "status: done")]
    [InlineData(2, "status: done\nextended_status: degraded done")]
    public async Task Done_and_degraded_done_count_as_finished(int waitExit, string status)
    {
        CloudInit(waitExit, status.Replace("\n", "' '", StringComparison.Ordinal));
        Assert.Equal((0, "cloud-init: done\n", ""), await _sh.RunAsync(HostScripts.CloudInitWait));
        Assert.Contains("cloud-init status --wait", _sh.Read("argv"));
    }

    [Fact]
    public async Task An_error_fails_with_exit_4()
    {
        CloudInit(1, "status: error");
        var (code, stdout, stderr) = await _sh.RunAsync(HostScripts.CloudInitWait);
        Assert.Equal(4, code);
        Assert.Equal("", stdout);
        Assert.Equal("cloud-init: failed (exit 1): status: error\n", stderr);
    }
}
