using k8s;
using Nvoi.Cluster;

namespace Nvoi.Cluster.Tests;

/// <summary>The deploy history ConfigMap: what a deploy records, how much is kept, and that the prune leaves it alone.</summary>
public class DeployHistoryTests
{
    private static DeployRecord Entry(int i) =>
        new($"2026010112{i:0000}", $"localhost:30500/nvoi-shop:2026010112{i:0000}", "alice@laptop", DateTimeOffset.UnixEpoch.AddMinutes(i), DeployRecord.Succeeded);

    [Fact]
    public async Task History_keeps_the_newest_entries_oldest_first_and_survives_the_prune()
    {
        await using var k = await KubeSandbox.StartAsync();
        for (var i = 1; i <= DeployHistory.Keep + 5; i++) await DeployHistory.AppendAsync(k.Client, "shop", Entry(i), default);

        var kept = await DeployHistory.ReadAsync(k.Client, default);
        Assert.Equal(DeployHistory.Keep, kept.Count);
        Assert.Equal(Entry(6), kept[0]);
        Assert.Equal(Entry(DeployHistory.Keep + 5), kept[^1]);

        var map = await k.Client.CoreV1.ReadNamespacedConfigMapAsync(DeployHistory.ConfigMapName, "default");
        Assert.Equal("nvoi", map.Metadata.Labels[ClusterLabels.ManagedBy]);
        Assert.Equal("shop", map.Metadata.Labels[DeployHistory.HistoryOfLabel]);
        Assert.DoesNotContain(ClusterLabels.Instance, map.Metadata.Labels.Keys);
        Assert.Contains("\"who\":\"alice@laptop\"", map.Data[DeployHistory.DataKey]);

        // A deploy's prune deletes what nvoi labelled for the app and no longer wants: not the history.
        var m = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()));
        await k.Applier.ApplyAllAsync(m.All);
        await k.Applier.PruneAsync("shop", m.All);
        Assert.Equal(DeployHistory.Keep, (await DeployHistory.ReadAsync(k.Client, default)).Count);
    }

    [Fact]
    public async Task An_unreadable_history_reads_as_empty_and_is_replaced_by_the_next_deploy()
    {
        await using var k = await KubeSandbox.StartAsync();
        Assert.Empty(await DeployHistory.ReadAsync(k.Client, default));
        await DeployHistory.AppendAsync(k.Client, "shop", Entry(1), default);
        var map = await k.Client.CoreV1.ReadNamespacedConfigMapAsync(DeployHistory.ConfigMapName, "default");
        map.Data[DeployHistory.DataKey] = "edited by hand";
        await k.Client.CoreV1.ReplaceNamespacedConfigMapAsync(map, DeployHistory.ConfigMapName, "default");

        Assert.Empty(await DeployHistory.ReadAsync(k.Client, default));
        await DeployHistory.AppendAsync(k.Client, "shop", Entry(2), default);
        Assert.Equal([Entry(2)], await DeployHistory.ReadAsync(k.Client, default));
    }

    [Fact]
    public async Task A_failed_rollout_is_recorded_with_the_first_line_of_its_error_and_rethrown_a_cancelled_one_is_not_recorded()
    {
        await using var k = await KubeSandbox.StartAsync();
        var m = ManifestBuilder.Build(Examples.Inputs(Examples.SinglePostgres()));
        var error = await Assert.ThrowsAsync<NvoiException>(() => DeployHistory.RecordAsync(k.Client, "shop", m, "bob@ci (pid 12)", k.Time,
            () => throw new NvoiException("deployment shop-web failed: pod shop-web-x CrashLoopBackOff (3 restarts)\npod report..."), default));
        Assert.StartsWith("deployment shop-web failed", error.Message);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DeployHistory.RecordAsync(k.Client, "shop", m, "bob@ci (pid 12)", k.Time,
            () => throw new OperationCanceledException(), default));
        await DeployHistory.RecordAsync(k.Client, "shop", m, "bob@ci (pid 12)", k.Time, () => Task.CompletedTask, default);

        var history = await DeployHistory.ReadAsync(k.Client, default);
        Assert.Equal(2, history.Count);
        var image = DeployHistory.ImageOf(m);
        Assert.Equal(new DeployRecord(DeployHistory.TagOf(image), image, "bob@ci", k.Time.GetUtcNow(), DeployRecord.Failed,
            "deployment shop-web failed: pod shop-web-x CrashLoopBackOff (3 restarts)"), history[0]);
        Assert.Equal(DeployRecord.Succeeded, history[1].Result);
        Assert.Null(history[1].Error);
        Assert.NotEqual("", history[1].Tag);
    }
}
