using k8s;
using Nvoi.Cluster;

namespace Nvoi.Cluster.Tests;

public class LogTests
{
    private static async Task<(KubeSandbox K, List<string> Pods)> TwoPods()
    {
        var k = await KubeSandbox.StartAsync();
        await k.Applier.ApplyAllAsync(ManifestBuilder.Build(Examples.Inputs(Examples.Sqlite())).Apps);
        var pods = (await k.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=notes-web")).Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, pods.Count);
        return (k, pods);
    }

    [Fact]
    public async Task Logs_of_every_pod_are_prefixed_by_pod_and_cut_to_the_tail()
    {
        var (k, pods) = await TwoPods();
        await using var _ = k;
        for (var i = 1; i <= 5; i++) foreach (var pod in pods) k.Emulator.AppendLog("default", pod, $"GET /{i} 200");

        var lines = await new LogStreamer(k.Client).StreamAsync("notes-web", tailLines: 2).ToListAsync();
        Assert.Equal(
        [
            new LogLine(pods[0], "GET /4 200"), new LogLine(pods[0], "GET /5 200"),
            new LogLine(pods[1], "GET /4 200"), new LogLine(pods[1], "GET /5 200"),
        ], lines);
        Assert.Equal($"[{pods[0]}] GET /4 200", lines[0].ToString());

        var all = await new LogStreamer(k.Client).StreamAsync("notes-web", tailLines: null).ToListAsync();
        Assert.Equal(2 * 7, all.Count); // the sandbox's own 2 start lines + 5 per pod
    }

    [Fact]
    public async Task Follow_merges_new_lines_from_all_pods_as_they_arrive()
    {
        var (k, pods) = await TwoPods();
        await using var _ = k;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = new LogStreamer(k.Client).StreamAsync("notes-web", tailLines: 1, follow: true, cts.Token).GetAsyncEnumerator(cts.Token);

        // The last line of each pod first: both streams are then open.
        var first = new List<LogLine>();
        for (var i = 0; i < 2; i++) { Assert.True(await stream.MoveNextAsync()); first.Add(stream.Current); }
        Assert.Equal(pods, first.Select(l => l.Pod).Order(StringComparer.Ordinal));

        k.Emulator.AppendLog("default", pods[1], "from the second");
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(new LogLine(pods[1], "from the second"), stream.Current);

        k.Emulator.AppendLog("default", pods[0], "from the first");
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(new LogLine(pods[0], "from the first"), stream.Current);
        cts.Cancel();
    }

    [Fact]
    public async Task Logs_of_an_unknown_service_are_a_clear_error()
    {
        await using var k = await KubeSandbox.StartAsync();
        var e = await Assert.ThrowsAsync<NvoiException>(async () => await new LogStreamer(k.Client).StreamAsync("nope-web").ToListAsync());
        Assert.Equal("no pod has label app=nope-web", e.Message);
    }
}
