using System.Security.Cryptography;
using System.Text;

namespace Nvoi.Build;

/// <summary>
/// A deterministic digest of a build: the platform, the Dockerfile and every file of the context
/// not excluded by .dockerignore (relative path and bytes, in ordinal path order).
/// </summary>
public static class BuildContextHasher
{
    /// <summary>"sha256:" followed by 64 lowercase hex digits.</summary>
    public static string Digest(BuildRequest request)
    {
        var root = Path.GetFullPath(request.ContextDirectory);
        var ignore = DockerIgnore.For(root);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AddText(hash, "platform", request.Platform);
        AddText(hash, "dockerfile", File.ReadAllText(request.ResolvedDockerfile));

        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions
            {
                RecurseSubdirectories = true,
                AttributesToSkip = FileAttributes.ReparsePoint,
                IgnoreInaccessible = false,
            })
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(rel => !IsNvoiFile(rel) && !ignore.IsExcluded(rel))
            .OrderBy(rel => rel, StringComparer.Ordinal);
        foreach (var rel in files)
        {
            // Streamed: a large context is never held in memory. .NET lists sockets as files, and
            // opening one fails: it is not content, so it is skipped (docker skips it too).
            FileStream stream;
            try { stream = File.OpenRead(Path.Combine(root, rel)); }
            catch (IOException) when (new FileInfo(Path.Combine(root, rel)).Length == 0) { continue; }
            using var _ = stream;
            AddText(hash, "file", rel);
            hash.AppendData(BitConverter.GetBytes(stream.Length));
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// nvoi's own files are not app source: editing the config (or the sandbox state in .nvoi/)
    /// must not make a deploy rebuild the image.
    /// </summary>
    public static bool IsNvoiFile(string relativePath) =>
        relativePath.StartsWith(".nvoi/", StringComparison.Ordinal) ||
        relativePath is "deploy.enc" or "deploy.key" or "deploy.yml" or "deploy.yaml" or
            "config/deploy.enc" or "config/deploy.key" or "config/deploy.yml" or "config/deploy.yaml";

    private static void AddText(IncrementalHash hash, string label, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        hash.AppendData(Encoding.UTF8.GetBytes(label + "\0"));
        hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
        hash.AppendData(bytes);
    }
}
