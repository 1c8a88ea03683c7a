using System.Text.Json;

namespace Nvoi.Sandbox.Hosts;

/// <summary>
/// Loads and saves one server's state under an exclusive lock file, so several processes (two
/// <c>nvoi</c> runs on one sandbox directory) and threads see each change whole. File contents
/// are blobs in <c>NAME.files/</c>; the state JSON is written to a temporary file and renamed.
/// </summary>
internal sealed class SimulatedHostStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly string _stateFile;
    private readonly string _lockFile;

    public const string StateSuffix = ".host.json";

    public SimulatedHostStore(string directory, string server)
    {
        PrivateFiles.CreateDirectory(directory);
        _stateFile = Path.Combine(directory, server + StateSuffix);
        _lockFile = Path.Combine(directory, server + ".host.lock");
        BlobDirectory = Path.Combine(directory, server + ".files");
        PrivateFiles.CreateDirectory(BlobDirectory);
    }

    public string BlobDirectory { get; }

    /// <summary>Runs <paramref name="action"/> on the state while holding the lock; saves when it returns.</summary>
    public async Task<T> UpdateAsync<T>(Func<SimulatedHostState, Task<T>> action, CancellationToken cancellationToken)
    {
        await using var guard = await LockAsync(cancellationToken).ConfigureAwait(false);
        var state = Load();
        var result = await action(state).ConfigureAwait(false);
        var tmp = _stateFile + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await PrivateFiles.WriteAllTextAsync(tmp, JsonSerializer.Serialize(state, Json)).ConfigureAwait(false);
        File.Move(tmp, _stateFile, overwrite: true);
        return result;
    }

    /// <summary>A copy of the state as saved.</summary>
    public async Task<SimulatedHostState> ReadAsync(CancellationToken cancellationToken)
    {
        await using var guard = await LockAsync(cancellationToken).ConfigureAwait(false);
        return Load();
    }

    private SimulatedHostState Load() =>
        File.Exists(_stateFile)
            ? JsonSerializer.Deserialize<SimulatedHostState>(File.ReadAllText(_stateFile), Json) ?? new SimulatedHostState()
            : new SimulatedHostState();

    // FileShare.None makes the open itself the lock, across processes and within one.
    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return PrivateFiles.OpenExclusive(_lockFile);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
