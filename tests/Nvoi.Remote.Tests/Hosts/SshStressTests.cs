using System.Diagnostics;
using System.Security.Cryptography;
using Nvoi.Hosts;
using Xunit.Abstractions;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>
/// The paths that once hung (a script waiting for an EOF that never came), run many times against the
/// real sshd while every core is kept busy: the deploy lock race and 256 KB uploads. A hang here fails
/// through the idle deadline (30 s without progress) instead of stalling the suite.
/// </summary>
public class SshStressTests(SshdFixture fixture, ITestOutputHelper output) : IClassFixture<SshdFixture>, IAsyncLifetime
{
    private const int Rounds = 200;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nvoi-stress-");
    private RemoteSessions _sessions = null!;
    private IRemoteHost _host = null!;

    public Task InitializeAsync()
    {
        _sessions = new RemoteSessions(fixture.Server.Options(commandIdleTimeout: TimeSpan.FromSeconds(30)));
        _host = _sessions.Get(fixture.Server.Endpoint());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _sessions.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Two_hundred_lock_races_under_cpu_load_each_have_one_winner()
    {
        using var load = new CpuLoad();
        var watch = Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            await LockContract.ConcurrentAsync([_host], Path.Combine(_dir.FullName, $"race-{round}.lock"));
        }
        output.WriteLine($"{Rounds} lock races of 8 contenders under load ({load.Threads} busy threads): {watch.Elapsed.TotalSeconds:0.0} s, " +
                         $"{watch.Elapsed.TotalMilliseconds / Rounds:0} ms a round");
    }

    [Fact]
    public async Task Two_hundred_uploads_of_256_KB_under_cpu_load_arrive_whole()
    {
        using var load = new CpuLoad();
        var watch = Stopwatch.StartNew();
        var target = Path.Combine(_dir.FullName, "upload.bin");
        for (var round = 0; round < Rounds; round++)
        {
            var content = RandomNumberGenerator.GetBytes(256 * 1024);
            await _host.UploadAsync(new MemoryStream(content), target);
            var sum = await _host.RunCheckedAsync(["sha256sum", target]);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), sum.Stdout.Split(' ')[0]);
        }
        output.WriteLine($"{Rounds} uploads of 256 KB under load ({load.Threads} busy threads): {watch.Elapsed.TotalSeconds:0.0} s, " +
                         $"{watch.Elapsed.TotalMilliseconds / Rounds:0} ms each, checked by SHA-256 on the server");
        Assert.Equal(["upload.bin"], _dir.GetFiles().Select(f => f.Name)); // no partial file left behind
    }

    /// <summary>One busy thread per core until disposed (bounded: it stops by itself after 10 minutes).</summary>
    private sealed class CpuLoad : IDisposable
    {
        private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(10));
        private readonly Thread[] _threads;

        public CpuLoad()
        {
            _threads = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(Spin) { IsBackground = true, Priority = ThreadPriority.BelowNormal }).ToArray();
            foreach (var t in _threads) t.Start();
        }

        public int Threads => _threads.Length;

        private void Spin()
        {
            var x = 0UL;
            while (!_stop.IsCancellationRequested)
            {
                for (var i = 0; i < 100_000; i++) x = x * 6364136223846793005UL + 1442695040888963407UL;
            }
            GC.KeepAlive(x);
        }

        public void Dispose()
        {
            _stop.Cancel();
            foreach (var t in _threads) t.Join();
            _stop.Dispose();
        }
    }
}
