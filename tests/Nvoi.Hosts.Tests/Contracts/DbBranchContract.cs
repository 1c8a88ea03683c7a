using System.Security.Cryptography;
using System.Text;
using Nvoi.Databases;
using Nvoi.Remote;

namespace Nvoi.Hosts.Tests.Contracts;

/// <summary>A database a branch contract runs against: the engine on a real host, or the simulated host's model of it.</summary>
public interface IContractDatabase
{
    DatabaseTarget Target { get; }

    IRemoteHost Host { get; }

    /// <summary>Fills the source database with a few rows.</summary>
    Task SeedAsync();

    /// <summary>What database <paramref name="name"/> holds, comparable between two databases; null when it does not exist.</summary>
    Task<string?> ContentAsync(string name);
}

/// <summary>
/// db-branch-prepare/create/restore through <see cref="DbBranches"/>: a dump streamed into a branch file
/// and checksummed, listed, downloaded (checksum checked), restored into a new database with the same
/// content; a branch id and a restore target are never reused; a tampered branch is never restored.
/// </summary>
public static class DbBranchContract
{
    public static async Task CreateDownloadRestoreAsync(IContractDatabase db)
    {
        await db.SeedAsync();
        var source = await db.ContentAsync(db.Target.Database);
        Assert.NotNull(source);
        var branches = new DbBranches(db.Target, db.Host, TimeProvider.System);

        var branch = await branches.CreateAsync("before-migration", default);
        Assert.Matches("^[0-9a-f]{64}$", branch.Sha256);
        Assert.True(branch.Size > 0);
        Assert.Equal(branch, Assert.Single(await branches.ListAsync(default)));
        var again = await Assert.ThrowsAsync<DatabaseBranchException>(() => branches.CreateAsync("before-migration", default));
        Assert.Contains("exists already", again.Message);

        var local = Path.Combine(Path.GetTempPath(), $"nvoi-branch-{Guid.NewGuid():N}");
        try
        {
            var download = await branches.DownloadAsync("before-migration", local, default);
            Assert.True(download.Verified);
            Assert.Equal(branch.Sha256, download.Sha256);
            Assert.Equal(branch.Size, download.Size);
            await using (var file = File.OpenRead(local))
                Assert.Equal(branch.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(file)));
        }
        finally
        {
            File.Delete(local);
        }

        var restored = await branches.RestoreAsync("before-migration", null, default);
        Assert.True(restored.Verified);
        Assert.Equal(db.Target.DefaultRestoreName("before-migration"), restored.Database);
        Assert.Equal(source, await db.ContentAsync(restored.Database));

        // The restore target exists now: refused, and the restored database is left as it was.
        var twice = await Assert.ThrowsAsync<DatabaseBranchException>(() => branches.RestoreAsync("before-migration", null, default));
        Assert.Contains("exit 6", twice.Message);
        Assert.Equal(source, await db.ContentAsync(restored.Database));
    }

    public static async Task TamperedBranchIsNotRestoredAsync(IContractDatabase db)
    {
        await db.SeedAsync();
        var branches = new DbBranches(db.Target, db.Host, TimeProvider.System);
        await branches.CreateAsync("nightly", default);
        // The branch file is the deploy user's (db-branch-create hands it over), so a plain upload replaces it.
        await db.Host.UploadAsync(new MemoryStream(Encoding.UTF8.GetBytes("-- not the dump\n")), db.Target.BranchFile("nightly"));
        var ex = await Assert.ThrowsAsync<DatabaseBranchException>(() => branches.RestoreAsync("nightly", "tampered", default));
        Assert.Contains("checksum mismatch", ex.Message);
        Assert.Null(await db.ContentAsync("tampered"));
    }
}
