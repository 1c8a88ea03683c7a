using System.Text.RegularExpressions;
using Nvoi.Credentials;

namespace Nvoi.Tests.Credentials;

/// <summary>Checks generated keys with the real OpenSSH ssh-keygen (Debian openssh-client).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SshKeyGeneratorTests
{
    private static string WritePrivateKey(TempDir dir, SshKeyPair pair)
    {
        var path = dir["id_ed25519"];
        File.WriteAllText(path, pair.PrivateKey);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // ssh-keygen refuses open modes
        return path;
    }

    [Fact]
    public void Private_key_parses_with_ssh_keygen_and_yields_the_same_public_key()
    {
        using var dir = new TempDir();
        var pair = SshKeyGenerator.GenerateEd25519();
        var path = WritePrivateKey(dir, pair);

        var r = ExternalTool.Run("ssh-keygen", ["-y", "-f", path]);
        Assert.True(r.ExitCode == 0, $"ssh-keygen -y failed: {r.Stderr}");
        // ssh-keygen -y prints "type base64 comment" (the comment from the private key).
        Assert.Equal(pair.PublicKey, r.Stdout.Trim());
        Assert.EndsWith(" nvoi-deploy", pair.PublicKey);
    }

    [Fact]
    public void Public_key_is_accepted_by_ssh_keygen_l_with_the_same_fingerprint()
    {
        using var dir = new TempDir();
        var pair = SshKeyGenerator.GenerateEd25519("web-master-1");
        File.WriteAllText(dir["key.pub"], pair.PublicKey + "\n");
        var r = ExternalTool.Run("ssh-keygen", ["-l", "-E", "sha256", "-f", dir["key.pub"]]);
        Assert.True(r.ExitCode == 0, $"ssh-keygen -l failed: {r.Stderr}");
        Assert.Equal($"256 {pair.Fingerprint} web-master-1 (ED25519)", r.Stdout.Trim());

        // The private key file gives the same fingerprint.
        var priv = WritePrivateKey(dir, pair);
        r = ExternalTool.Run("ssh-keygen", ["-l", "-E", "sha256", "-f", priv]);
        Assert.True(r.ExitCode == 0, $"ssh-keygen -l (private) failed: {r.Stderr}");
        Assert.Contains(pair.Fingerprint, r.Stdout);
    }

    [Fact]
    public void Fingerprint_matches_ssh_keygen_for_a_key_ssh_keygen_made()
    {
        using var dir = new TempDir();
        var r = ExternalTool.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "x", "-f", dir["k"]]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var line = File.ReadAllText(dir["k.pub"]).Trim();
        r = ExternalTool.Run("ssh-keygen", ["-l", "-f", dir["k.pub"]]);
        Assert.Equal(r.Stdout.Split(' ')[1], SshKeyGenerator.Fingerprint(line));
    }

    [Fact]
    public void Private_key_armor_is_openssh_v1_unencrypted_with_70_char_lines()
    {
        var pair = SshKeyGenerator.GenerateEd25519("host-key");
        var lines = pair.PrivateKey.Split('\n');
        Assert.Equal("-----BEGIN OPENSSH PRIVATE KEY-----", lines[0]);
        Assert.Equal("-----END OPENSSH PRIVATE KEY-----", lines[^2]);
        Assert.Equal("", lines[^1]);
        var body = lines[1..^2];
        Assert.All(body[..^1], l => Assert.Equal(70, l.Length));
        Assert.InRange(body[^1].Length, 1, 70);

        var blob = Convert.FromBase64String(string.Concat(body));
        Assert.Equal("openssh-key-v1\0"u8.ToArray(), blob[..15]);
        var text = System.Text.Encoding.ASCII.GetString(blob);
        Assert.Equal(2, Regex.Matches(text, "none").Count); // cipher and kdf
        Assert.Contains("host-key", text);
        Assert.Matches(@"^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} host-key$", pair.PublicKey);
    }

    [Fact]
    public void Each_call_makes_a_new_key_and_to_string_hides_the_private_key()
    {
        var a = SshKeyGenerator.GenerateEd25519();
        var b = SshKeyGenerator.GenerateEd25519();
        Assert.NotEqual(a.PublicKey, b.PublicKey);
        Assert.NotEqual(a.PrivateKey, b.PrivateKey);
        Assert.DoesNotContain("PRIVATE", a.ToString());
        Assert.Contains(a.PublicKey, a.ToString());
    }

    [Fact]
    public void Comment_must_be_one_line_and_fingerprint_rejects_garbage()
    {
        Assert.Throws<ArgumentException>(() => SshKeyGenerator.GenerateEd25519("a\nb"));
        var e = Assert.Throws<CredentialsException>(() => SshKeyGenerator.Fingerprint("ssh-ed25519"));
        Assert.Equal("invalid SSH public key: expected \"TYPE BASE64 [COMMENT]\"", e.Message);
        Assert.Throws<CredentialsException>(() => SshKeyGenerator.Fingerprint("ssh-ed25519 !!!notbase64"));
    }
}
