using Nvoi.Databases;
using Nvoi.Remote;

namespace Nvoi.Tests.Databases;

/// <summary>Refusals that happen before anything touches the server.</summary>
public class DbBranchesGuardTests
{
    private static readonly DatabaseTarget Worker = new()
    {
        Adapter = DatabaseAdapter.Postgres, AdapterName = "postgres", Server = "shop-data-1", ServerIsMaster = false,
        BranchesDirectory = "/mnt/db-branches/shop", Pod = "db-shop-0", Database = "shop",
    };

    private static DbBranches Branches(DatabaseTarget target) => new(target, new UntouchableHost(), TimeProvider.System);

    [Fact]
    public async Task Postgres_off_the_master_is_refused_without_a_remote_call()
    {
        var e = await Assert.ThrowsAsync<DatabaseBranchException>(() => Branches(Worker).CreateAsync("b1", default));
        Assert.Contains("not the k3s master", e.Message);
        await Assert.ThrowsAsync<DatabaseBranchException>(() => Branches(Worker).RestoreAsync("b1", null, default));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a b")]
    [InlineData("")]
    public async Task Bad_ids_are_refused_without_a_remote_call(string id)
    {
        var master = Worker with { ServerIsMaster = true };
        Assert.Contains("invalid branch id", (await Assert.ThrowsAsync<DatabaseBranchException>(() => Branches(master).CreateAsync(id, default))).Message);
        await Assert.ThrowsAsync<DatabaseBranchException>(() => Branches(master).DownloadAsync(id, "x", default));
    }

    [Fact]
    public async Task Bad_new_database_names_are_refused_without_a_remote_call()
    {
        var master = Worker with { ServerIsMaster = true };
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => Branches(master).RestoreAsync("b1", "x\0y", default));
        Assert.StartsWith("invalid database name", e.Message);
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
    }

    private sealed class UntouchableHost : IRemoteHost
    {
        public string Server => "untouchable";
        public Task<RemoteResult> RunAsync(IReadOnlyList<string> argv, Stream? stdin = null, Action<OutputLine>? onLine = null, CancellationToken cancellationToken = default) => throw new InvalidOperationException("remote call");
        public Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellationToken = default) => throw new InvalidOperationException("remote call");
        public Task UploadAsync(Stream content, string remotePath, CancellationToken cancellationToken = default) => throw new InvalidOperationException("remote call");
        public Task DownloadAsync(string remotePath, Stream destination, CancellationToken cancellationToken = default) => throw new InvalidOperationException("remote call");
        public Task<IPortForward> ForwardLocalPortAsync(string remoteHost, int remotePort, CancellationToken cancellationToken = default) => throw new InvalidOperationException("remote call");
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
