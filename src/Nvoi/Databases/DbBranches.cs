using System.Security.Cryptography;
using System.Text;
using Nvoi.Hosts;
using Nvoi.Remote;

namespace Nvoi.Databases;

/// <summary>The outcome of <see cref="DbBranches.RestoreAsync"/>.</summary>
/// <param name="Database">The new database (sqlite: its name; the file is <paramref name="Location"/>).</param>
/// <param name="Location">Where it is: the pod and database, or the sqlite file on the server.</param>
/// <param name="SwitchCommand">The `nvoi credentials set …` command that points the app at it.</param>
/// <param name="Verified">False for a branch without a recorded checksum (made by 0.2.0).</param>
public sealed record RestoreResult(string Database, string Location, string SwitchCommand, bool Verified);

/// <summary>The outcome of <see cref="DbBranches.DownloadAsync"/>.</summary>
public sealed record DownloadResult(string Path, long Size, string Sha256, bool Verified);

/// <summary>A database branch operation failed; the message is one line from the server.</summary>
public sealed class DatabaseBranchException(string message, bool invalidInput = false) : NvoiException(message)
{
    /// <summary>2 for a malformed or unknown branch id (the user's input), else 1.</summary>
    public override int ExitCode => invalidInput ? ExitCodes.InvalidInput : ExitCodes.Failure;
}

/// <summary>
/// <c>nvoi db branch create|list|restore|download</c> on the database server: dumps stream from the
/// database into <c>/mnt/db-branches/A/ID.sql</c> on the server (plain SQL, as nvoi 0.2.0; sqlite branches
/// of our versions before 0.3, <c>ID.sqlite3</c> backup files, are still read) (embedded scripts
/// <c>db-branch-*</c>, run with sudo), never through this process; downloads stream to a local file.
/// SHA-256 of every dump is kept in branches.json and checked before a restore or after a download.
/// </summary>
public sealed class DbBranches
{
    private readonly DatabaseTarget _target;
    private readonly IRemoteHost _host;
    private readonly TimeProvider _time;

    /// <summary>
    /// How long a dump or restore may run without a word: they stream between the database and a file on
    /// the server and print only when done, so a large database needs time; a hang still ends.
    /// </summary>
    public static readonly TimeSpan ScriptIdleTimeout = TimeSpan.FromHours(2);

    /// <param name="target">The database (see <see cref="DatabaseTarget.From"/>).</param>
    /// <param name="host">A session on <see cref="DatabaseTarget.Server"/>.</param>
    /// <param name="time">For the default id and created_at.</param>
    public DbBranches(DatabaseTarget target, IRemoteHost host, TimeProvider time)
    {
        _target = target ?? throw new ArgumentNullException(nameof(target));
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Dumps the database into a new branch <paramref name="id"/> (default: the UTC time YYYYMMDDHHMMSS).</summary>
    public async Task<Branch> CreateAsync(string? id, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        id ??= BranchMetadata.DefaultId(now);
        RequireId(id);
        RequireKubectl();
        await PrepareAsync(ct).ConfigureAwait(false);
        if ((await ListAsync(ct).ConfigureAwait(false)).Any(b => b.Id == id))
            throw new DatabaseBranchException($"branch {id} exists already");
        var source = _target.Adapter == DatabaseAdapter.Sqlite ? _target.SqliteHostPath! : _target.Pod;
        var result = await RunScriptAsync(HostScripts.DbBranchCreate, "create branch " + id,
            [Adapter, _target.BranchesDirectory, id, source, _target.Database], ct).ConfigureAwait(false);
        var sha = ServerSetupValue(result.Stdout, "sha256: ");
        var size = long.TryParse(ServerSetupValue(result.Stdout, "size: "), out var n) ? n : (long?)null;
        if (sha is null || size is null)
            throw new DatabaseBranchException($"creating branch {id} on {_host.Server}: the script did not report the dump");
        var branch = new Branch(id, BranchMetadata.FormatCreatedAt(now), size, _target.AdapterName,
            _target.Adapter == DatabaseAdapter.Sqlite ? _target.Database + ".sqlite3" : _target.Database, sha);
        var json = await ReadMetadataAsync(ct).ConfigureAwait(false);
        await using var content = new MemoryStream(Encoding.UTF8.GetBytes(BranchMetadata.Add(json, branch)));
        await _host.UploadAsync(content, _target.MetadataFile, ct).ConfigureAwait(false);
        return branch;
    }

    /// <summary>The branches recorded in branches.json (by this version or 0.2.0), oldest first.</summary>
    public async Task<IReadOnlyList<Branch>> ListAsync(CancellationToken ct) =>
        BranchMetadata.Parse(await ReadMetadataAsync(ct).ConfigureAwait(false));

    /// <summary>
    /// Restores branch <paramref name="id"/> into the new database <paramref name="newDatabase"/>
    /// (default <c>&lt;db&gt;_&lt;id&gt;</c>) after checking its checksum on the server.
    /// </summary>
    public async Task<RestoreResult> RestoreAsync(string id, string? newDatabase, CancellationToken ct)
    {
        RequireId(id);
        var name = newDatabase ?? _target.DefaultRestoreName(id);
        var ident = SqlIdentifier.Quote(_target.Adapter, name);
        RequireKubectl();
        var (branch, file) = await FindAsync(id, ct).ConfigureAwait(false);
        string[] args = _target.Adapter == DatabaseAdapter.Sqlite
            ? [Adapter, file, branch.Sha256 ?? "-", _target.SqliteRestorePath(name), _target.SqliteHostPath!]
            : [Adapter, file, branch.Sha256 ?? "-", _target.Pod, name, ident];
        await RunScriptAsync(HostScripts.DbBranchRestore, $"restore branch {id}", args, ct).ConfigureAwait(false);
        var location = _target.Adapter == DatabaseAdapter.Sqlite ? _target.SqliteRestorePath(name) : $"{_target.Pod}/{name}";
        return new RestoreResult(name, location, _target.SwitchCommand(name), branch.Sha256 is not null);
    }

    /// <summary>
    /// Streams branch <paramref name="id"/> into <paramref name="localPath"/> (written as a partial file,
    /// renamed once its SHA-256 matches the recorded one; removed on a mismatch).
    /// </summary>
    public async Task<DownloadResult> DownloadAsync(string id, string localPath, CancellationToken ct)
    {
        RequireId(id);
        ArgumentException.ThrowIfNullOrEmpty(localPath);
        var (branch, file) = await FindAsync(id, ct).ConfigureAwait(false);
        var partial = localPath + ".partial";
        string sha;
        long size;
        try
        {
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var hashing = new HashingStream(output))
            {
                await _host.DownloadAsync(file, hashing, ct).ConfigureAwait(false);
                sha = hashing.Hex();
                size = hashing.Length;
            }
            if (branch.Sha256 is not null && !string.Equals(sha, branch.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new DatabaseBranchException($"branch {id}: checksum mismatch (recorded {branch.Sha256}, downloaded {sha}); nothing was saved");
            File.Move(partial, localPath, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
        return new DownloadResult(localPath, size, sha, branch.Sha256 is not null);
    }

    /// <summary>The default local file name of a download: the branch's file name (ID.sql; ID.sqlite3 for an older sqlite branch).</summary>
    public async Task<string> DefaultDownloadNameAsync(string id, CancellationToken ct)
    {
        RequireId(id);
        var (_, file) = await FindAsync(id, ct).ConfigureAwait(false);
        return file[(file.LastIndexOf('/') + 1)..];
    }

    private string Adapter => _target.Adapter.ToString().ToLowerInvariant();

    private async Task<(Branch Branch, string File)> FindAsync(string id, CancellationToken ct)
    {
        var branches = await ListAsync(ct).ConfigureAwait(false);
        var branch = branches.LastOrDefault(b => b.Id == id)
            ?? throw new DatabaseBranchException($"no branch {id} (see `nvoi db branch list`)", invalidInput: true);
        // ID.sql for every adapter (0.2.0 and us); sqlite branches of our versions before 0.3 are ID.sqlite3.
        foreach (var file in _target.BranchFileCandidates(id))
            if ((await _host.RunAsync(["sudo", "test", "-f", file], cancellationToken: ct).ConfigureAwait(false)).Succeeded)
                return (branch, file);
        throw new DatabaseBranchException($"branch {id} is listed but its file is missing from {_target.BranchesDirectory} on {_host.Server}");
    }

    private async Task PrepareAsync(CancellationToken ct) =>
        await RunScriptAsync(HostScripts.DbBranchPrepare, "prepare " + _target.BranchesDirectory, [_target.BranchesDirectory], ct)
            .ConfigureAwait(false);

    private async Task<string?> ReadMetadataAsync(CancellationToken ct)
    {
        if (!(await _host.RunAsync(["sudo", "test", "-f", _target.MetadataFile], cancellationToken: ct).ConfigureAwait(false)).Succeeded)
            return null;
        await PrepareAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await _host.DownloadAsync(_target.MetadataFile, buffer, ct).ConfigureAwait(false);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private async Task<RemoteResult> RunScriptAsync(string script, string step, IReadOnlyList<string> args, CancellationToken ct)
    {
        string[] argv = ["sudo", .. RemoteHostExtensions.ScriptArgv(HostScripts.Text(script), args)];
        var command = new RemoteCommand(argv) { Label = step, IdleTimeout = ScriptIdleTimeout };
        var result = await _host.RunAsync(command, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var last = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
            throw new DatabaseBranchException($"{step} on {_host.Server} failed (exit {result.ExitCode}): {last}");
        }
        return result;
    }

    private void RequireKubectl()
    {
        if (_target.Adapter != DatabaseAdapter.Sqlite && !_target.ServerIsMaster)
            throw new DatabaseBranchException(
                $"the database server {_target.Server} is not the k3s master: postgres/mysql branches need the database on the master's group");
    }

    private static void RequireId(string id)
    {
        if (!BranchMetadata.IsValidId(id))
            throw new DatabaseBranchException($"invalid branch id {SqlIdentifier.Show(id)}: use letters, digits, '.', '_' and '-' (at most 100)", invalidInput: true);
    }

    private static string? ServerSetupValue(string stdout, string prefix) =>
        stdout.Replace("\r", "", StringComparison.Ordinal).Split('\n')
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..].Trim()).LastOrDefault();

    /// <summary>Writes through to an inner stream while hashing (SHA-256) and counting.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;
        private string? _hex;

        public string Hex() => _hex ??= Convert.ToHexStringLower(_hash.GetHashAndReset());
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            _length += buffer.Length;
            return inner.WriteAsync(buffer, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
