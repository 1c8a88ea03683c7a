using System.Security.Cryptography;
using Nvoi.Hosts;

namespace Nvoi.Sandbox.Hosts;

/// <summary>
/// The database branch scripts. A postgres/mysql database is a blob in <see cref="SimulatedHostState.Databases"/>
/// ("POD/NAME"), a sqlite database a file; "dump" copies the content into the branch file, "restore" makes
/// a new database from it. Contents are copied and hashed file to file, never held in memory.
/// </summary>
public sealed partial class SimulatedHost
{
    /// <summary>What an untouched database dumps to (the image made it empty at first start).</summary>
    public const string EmptyDump = "-- sandbox: empty database\n";

    /// <summary>Sets the content of database <paramref name="name"/> in <paramref name="pod"/> (streamed to disk).</summary>
    public async Task SetDatabaseAsync(string pod, string name, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var blob = Guid.NewGuid().ToString("N");
        await using (var file = PrivateFiles.Create(Path.Combine(_store.BlobDirectory, blob)))
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
        await _store.UpdateAsync(s =>
        {
            if (s.Databases.TryGetValue(Key(pod, name), out var old)) File.Delete(BlobPath(old));
            s.Databases[Key(pod, name)] = blob;
            return Task.FromResult(0);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SHA-256 (hex) of database <paramref name="name"/> in <paramref name="pod"/>, or null when it does not exist.</summary>
    public Task<string?> DatabaseSha256Async(string pod, string name, CancellationToken cancellationToken = default) =>
        _store.UpdateAsync(s => Task.FromResult(s.Databases.TryGetValue(Key(pod, name), out var blob) ? HashFile(BlobPath(blob)) : null),
            cancellationToken);

    /// <summary>SHA-256 (hex) of the file at <paramref name="path"/>, or null when there is none.</summary>
    public Task<string?> FileSha256Async(string path, CancellationToken cancellationToken = default)
    {
        var normalized = SimulatedPaths.Normalize(path);
        return _store.UpdateAsync(s => Task.FromResult(s.Files.TryGetValue(normalized, out var blob) ? HashFile(BlobPath(blob)) : null),
            cancellationToken);
    }

    private Func<SimulatedHostState, int>? DatabaseEffect(string? name, string[] a, CommandOutput o) => name switch
    {
        HostScripts.DbBranchPrepare when a.Length == 1 => s =>
        {
            MakeDirectories(s, SimulatedPaths.Normalize(a[0]));
            o.Out("dir: " + a[0]);
            return 0;
        },
        HostScripts.DbBranchCreate when a.Length == 5 => s => DbBranchCreate(s, a[0], a[1], a[2], a[3], a[4], o),
        HostScripts.DbBranchRestore when a.Length >= 5 => s => DbBranchRestore(s, a, o),
        _ => null,
    };

    private int DbBranchCreate(SimulatedHostState s, string adapter, string dir, string id, string source, string database, CommandOutput o)
    {
        if (adapter is not ("postgres" or "mysql" or "sqlite")) { o.Err("unknown adapter: " + adapter); return 2; }
        var target = SimulatedPaths.Normalize($"{dir}/{id}.sql");
        if (s.Files.ContainsKey(target)) { o.Err($"branch {id} exists already: {target}"); return 3; }
        var copy = Guid.NewGuid().ToString("N");
        // sqlite's dump (sqlite3 .dump) is modelled as a copy of the file: restoring it gives the same bytes back.
        if (adapter == "sqlite")
        {
            if (!s.Files.TryGetValue(SimulatedPaths.Normalize(source), out var db)) { o.Err("no sqlite database at " + source); return 4; }
            File.Copy(BlobPath(db), BlobPath(copy));
        }
        else if (s.Databases.TryGetValue(Key(source, database), out var db))
        {
            File.Copy(BlobPath(db), BlobPath(copy));
        }
        else
        {
            PrivateFiles.WriteAllText(BlobPath(copy), EmptyDump);
        }
        MakeDirectories(s, SimulatedPaths.Normalize(dir));
        SetBlob(s, target, copy);
        o.Out("sha256: " + HashFile(BlobPath(copy)));
        o.Out("size: " + new FileInfo(BlobPath(copy)).Length);
        return 0;
    }

    private int DbBranchRestore(SimulatedHostState s, string[] a, CommandOutput o)
    {
        var (adapter, file, expected) = (a[0], SimulatedPaths.Normalize(a[1]), a[2]);
        if (!s.Files.TryGetValue(file, out var branch)) { o.Err("no branch file " + a[1]); return 4; }
        var actual = HashFile(BlobPath(branch));
        if (expected != "-" && actual != expected)
        {
            o.Err($"checksum mismatch for {a[1]}: recorded {expected}, found {actual}; nothing restored");
            return 5;
        }
        var copy = Guid.NewGuid().ToString("N");
        switch (adapter)
        {
            case "postgres" or "mysql" when a.Length == 6:
                if (s.Databases.ContainsKey(Key(a[3], a[4]))) { o.Err($"could not create database {a[4]} (does it exist already?)"); return 6; }
                File.Copy(BlobPath(branch), BlobPath(copy));
                s.Databases[Key(a[3], a[4])] = copy;
                o.Out("restored: " + a[4]);
                return 0;
            case "sqlite" when a.Length == 5:
                var target = SimulatedPaths.Normalize(a[3]);
                if (s.Files.ContainsKey(target)) { o.Err($"{a[3]} exists already"); return 6; }
                File.Copy(BlobPath(branch), BlobPath(copy));
                MakeDirectories(s, SimulatedPaths.Parent(target));
                SetBlob(s, target, copy);
                o.Out("restored: " + a[3]);
                return 0;
            default:
                o.Err("unknown adapter: " + adapter);
                return 2;
        }
    }

    private static string Key(string pod, string name) => pod + "/" + name;

    private string BlobPath(string blob) => Path.Combine(_store.BlobDirectory, blob);

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
