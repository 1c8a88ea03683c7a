using System.Security.Cryptography;
using System.Text;

namespace Nvoi.Sandbox.Hosts;

public sealed partial class SimulatedHost
{
    // All helpers run inside a store update (the lock is held).

    private void SetBlob(SimulatedHostState s, string path, string blob)
    {
        if (s.Files.TryGetValue(path, out var old))
        {
            File.Delete(Path.Combine(_store.BlobDirectory, old));
        }
        s.Files[path] = blob;
    }

    private void WriteText(SimulatedHostState s, string path, string text)
    {
        MakeDirectories(s, SimulatedPaths.Parent(path));
        var blob = Guid.NewGuid().ToString("N");
        PrivateFiles.WriteAllText(Path.Combine(_store.BlobDirectory, blob), text);
        SetBlob(s, path, blob);
    }

    private string? ReadText(SimulatedHostState s, string path) =>
        s.Files.TryGetValue(path, out var blob) ? File.ReadAllText(Path.Combine(_store.BlobDirectory, blob)) : null;

    private byte[]? ReadBytes(SimulatedHostState s, string path) =>
        s.Files.TryGetValue(path, out var blob) ? File.ReadAllBytes(Path.Combine(_store.BlobDirectory, blob)) : null;

    private bool DeleteFile(SimulatedHostState s, string path)
    {
        if (!s.Files.Remove(path, out var blob))
        {
            return false;
        }
        File.Delete(Path.Combine(_store.BlobDirectory, blob));
        return true;
    }

    private void MoveFile(SimulatedHostState s, string from, string to)
    {
        var blob = s.Files[from];
        s.Files.Remove(from);
        MakeDirectories(s, SimulatedPaths.Parent(to));
        SetBlob(s, to, blob);
    }

    private static void MakeDirectories(SimulatedHostState s, string path)
    {
        foreach (var p in SimulatedPaths.SelfAndAncestors(path))
        {
            s.Directories.Add(p);
        }
    }

    private static bool IsDirectory(SimulatedHostState s, string path) =>
        s.Directories.Contains(path) || s.Files.Keys.Any(f => f.StartsWith(path == "/" ? "/" : path + "/", StringComparison.Ordinal));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
