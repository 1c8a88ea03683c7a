using System.Diagnostics;
using Xunit.Abstractions;

namespace Nvoi.Cli.Tests.Db;

/// <summary>Runs alone: the memory measurement must not see other tests' allocations.</summary>
[CollectionDefinition(nameof(LargeDumpCollection), DisableParallelization = true)]
public sealed class LargeDumpCollection;

[Collection(nameof(LargeDumpCollection))]
public class LargeDumpTests(ITestOutputHelper output)
{
    private const long Size = 200L * 1024 * 1024;
    private const long MaxGrowth = 150L * 1024 * 1024;

    [Fact]
    public async Task A_200_MB_dump_is_created_downloaded_and_restored_intact_with_bounded_memory()
    {
        using var p = await DbProject.DeployAsync("hetzner-postgres");
        var seeded = await p.SeedAsync(Size);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.WorkingSet64;
        var peakBefore = process.PeakWorkingSet64;

        var create = await p.NvoiAsync("db", "branch", "create", "big", "--plain");
        Assert.True(create.ExitCode == 0, create.All);
        var download = await p.NvoiAsync("db", "branch", "download", "big", "-p", "big.sql", "--plain");
        Assert.True(download.ExitCode == 0, download.All);
        var restore = await p.NvoiAsync("db", "branch", "restore", "big", "big_copy", "--plain");
        Assert.True(restore.ExitCode == 0, restore.All);

        process.Refresh();
        var peak = process.PeakWorkingSet64;
        var growth = Math.Max(0, peak - before);
        output.WriteLine($"working set before {before / 1048576} MB, peak before {peakBefore / 1048576} MB, peak after {peak / 1048576} MB, growth {growth / 1048576} MB");
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "nvoi-db-large-dump-memory.txt"),
            $"{DateTime.UtcNow:O} before={before} peakBefore={peakBefore} peakAfter={peak} growth={growth}\n");

        var local = p.Project.Run.PathOf("big.sql");
        Assert.Equal(Size, new FileInfo(local).Length);
        Assert.Equal(seeded, DbProject.FileSha256(local));
        Assert.Equal(DumpContent.Header, File.ReadAllBytes(local)[..DumpContent.Header.Length]);
        Assert.Equal(seeded, await p.Host.FileSha256Async($"{p.BranchesDir}/big.sql"));
        Assert.Equal(seeded, await p.RestoredSha256Async("big_copy"));
        Assert.Contains($"sha256 {seeded}", create.Out);
        Assert.Contains("200.0 MB", create.Out);
        Assert.True(growth < MaxGrowth, $"peak working set grew by {growth / 1048576} MB while moving a {Size / 1048576} MB dump");
    }
}
