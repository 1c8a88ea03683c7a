using Nvoi.Databases;
using Nvoi.Hosts.Tests.Contracts;
using Nvoi.Hosts.Tests.Real;

namespace Nvoi.Hosts.Tests;

[Collection(RealHostCollection.Name)]
public sealed class DbBranchesOnARealHost(RealHostFixture fixture)
{
    [Theory]
    [InlineData(DatabaseAdapter.Postgres)]
    [InlineData(DatabaseAdapter.Mysql)]
    [InlineData(DatabaseAdapter.Sqlite)]
    public async Task Create_download_restore(DatabaseAdapter adapter) =>
        await DbBranchContract.CreateDownloadRestoreAsync(await RealDatabase.CreateAsync(fixture.Host, adapter));

    [Theory]
    [InlineData(DatabaseAdapter.Postgres)]
    [InlineData(DatabaseAdapter.Mysql)]
    [InlineData(DatabaseAdapter.Sqlite)]
    public async Task A_tampered_branch_is_not_restored(DatabaseAdapter adapter) =>
        await DbBranchContract.TamperedBranchIsNotRestoredAsync(await RealDatabase.CreateAsync(fixture.Host, adapter));
}

public sealed class DbBranchesOnTheSimulatedHost
{
    [Theory]
    [InlineData(DatabaseAdapter.Postgres)]
    [InlineData(DatabaseAdapter.Mysql)]
    [InlineData(DatabaseAdapter.Sqlite)]
    public async Task Create_download_restore(DatabaseAdapter adapter)
    {
        using var host = new SimulatedContractHost();
        await DbBranchContract.CreateDownloadRestoreAsync(new SimulatedDatabase(host, adapter));
    }

    [Theory]
    [InlineData(DatabaseAdapter.Postgres)]
    [InlineData(DatabaseAdapter.Mysql)]
    [InlineData(DatabaseAdapter.Sqlite)]
    public async Task A_tampered_branch_is_not_restored(DatabaseAdapter adapter)
    {
        using var host = new SimulatedContractHost();
        await DbBranchContract.TamperedBranchIsNotRestoredAsync(new SimulatedDatabase(host, adapter));
    }
}
