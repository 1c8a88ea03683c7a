using System.Text;

namespace Nvoi.Remote;

/// <summary>
/// Renders the cloud-init fragment that installs a host key nvoi generated itself, so the key is
/// pinned before the server first boots (no trust-on-first-use window).
/// </summary>
public static class HostKeyCloudInit
{
    /// <summary>
    /// The cloud-config lines (top level, no <c>#cloud-config</c> header) that replace the
    /// server's generated host keys with the given ed25519 pair and generate no others.
    /// </summary>
    /// <param name="ed25519PrivateKey">OpenSSH private key text (<c>-----BEGIN OPENSSH PRIVATE KEY-----</c>...).</param>
    /// <param name="ed25519PublicKey">Public key line, <c>ssh-ed25519 AAAA...</c>.</param>
    public static string Render(string ed25519PrivateKey, string ed25519PublicKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ed25519PrivateKey);
        var key = HostKey.Parse(ed25519PublicKey);
        if (key.Type != "ssh-ed25519")
        {
            throw new ArgumentException("The host key must be an ssh-ed25519 key.", nameof(ed25519PublicKey));
        }
        var lines = ed25519PrivateKey.Replace("\r\n", "\n").Trim('\n').Split('\n');
        if (!lines[0].StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new ArgumentException("The host key must be an OpenSSH private key.", nameof(ed25519PrivateKey));
        }
        var sb = new StringBuilder();
        sb.Append("ssh_deletekeys: true\n");
        sb.Append("ssh_genkeytypes: []\n");
        sb.Append("ssh_keys:\n");
        sb.Append("  ed25519_private: |\n");
        foreach (var line in lines)
        {
            sb.Append("    ").Append(line.TrimEnd()).Append('\n');
        }
        sb.Append("  ed25519_public: ").Append(key.ToString()).Append('\n');
        return sb.ToString();
    }
}
