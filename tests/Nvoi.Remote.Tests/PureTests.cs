using CsCheck;
using System.Text;
using Nvoi.Configuration;
using YamlDotNet.RepresentationModel;

namespace Nvoi.Remote.Tests;

public class ShellQuoteTests
{
    [Theory]
    [InlineData("ls", "ls")]
    [InlineData("/usr/bin/env", "/usr/bin/env")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(rm -rf /)", "'$(rm -rf /)'")]
    [InlineData("a=b", "'a=b'")]
    [InlineData("~", "'~'")]
    public void Quotes_one_argument(string input, string expected) => Assert.Equal(expected, ShellQuote.Quote(input));

    [Fact]
    public void Joins_with_spaces() =>
        Assert.Equal("echo 'a b' '' 'c;d'", ShellQuote.Join(["echo", "a b", "", "c;d"]));

    [Fact]
    public void Refuses_nul_and_empty_argv()
    {
        Assert.Throws<ArgumentException>(() => ShellQuote.Quote("a\0b"));
        Assert.Throws<ArgumentException>(() => ShellQuote.Join([]));
    }
}

public class ShellQuotePosixShellTests
{
    // Debian's /bin/sh is dash, the strictest common POSIX shell; the SSH tests use the login shell (bash).
    [Fact]
    public async Task Quoted_arguments_survive_dash_byte_for_byte()
    {
        var pieces = Enumerable.Range(1, 127).Select(c => ((char)c).ToString())
            .Concat(["é", "中文", "😀", "'\\''", "$(id)", "`id`", "${HOME}", "!", "\\"]).ToArray();
        var gen = Gen.OneOf(pieces).Array[0, 16].Select(string.Concat).Array[1, 6];
        await Check.SampleAsync(gen, async args =>
        {
            var command = ShellQuote.Join(["printf", "%s\\0", .. args]);
            var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
            using var p = System.Diagnostics.Process.Start(start)!;
            using var output = new MemoryStream();
            await p.StandardOutput.BaseStream.CopyToAsync(output);
            await p.WaitForExitAsync();
            Assert.Equal(0, p.ExitCode);
            Assert.Equal(Encoding.UTF8.GetBytes(string.Concat(args.Select(a => a + "\0"))), output.ToArray());
        }, iter: 60, threads: 2);
    }
}

public class HostKeyTests
{
    [Fact]
    public async Task Parses_and_fingerprints_like_ssh_keygen()
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-hk-").FullName;
        try
        {
            var path = Path.Combine(dir, "k");
            await SshdServer.Keygen(path);
            var line = File.ReadAllText(path + ".pub").Trim();
            var key = HostKey.Parse(line);
            var (code, output) = await SshdServer.RunTool("ssh-keygen", "-l", "-E", "sha256", "-f", path + ".pub");
            Assert.Equal(0, code);
            Assert.Equal(output.Split(' ')[1], key.Fingerprint);
            Assert.Equal("ssh-ed25519", key.Type);
            Assert.Equal(string.Join(' ', line.Split(' ').Take(2)), key.ToString());
            Assert.Equal(key, HostKey.Parse(key.ToString() + " other comment"));
            Assert.Equal(key, HostKey.FromBlob(key.Blob));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("ssh-ed25519")]
    [InlineData("ssh-ed25519 not-base64!")]
    [InlineData("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIMo2V1ZxZ3s0bXq1fBiN5p0fXH2pQ7x0wV1u1E1Q5C1a")]
    public void Refuses_bad_lines(string line) => Assert.False(HostKey.TryParse(line, out _));

    [Fact]
    public void Config_model_store_records_into_host_keys()
    {
        var keys = new SshKeys();
        var store = new SshKeysHostKeyStore(keys);
        string? saved = null;
        store.Recorded += (server, _) => saved = server;
        Assert.Null(store.Get("master"));
        store.Record("master", "ssh-ed25519 AAAA");
        Assert.Equal("ssh-ed25519 AAAA", keys.HostKeys["master"]);
        Assert.Equal("master", saved);
    }
}

public class HostKeyCloudInitTests
{
    [Fact]
    public async Task Renders_ssh_keys_that_cloud_init_reads_back_exactly()
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-ci-").FullName;
        try
        {
            var path = Path.Combine(dir, "host");
            await SshdServer.Keygen(path);
            var priv = File.ReadAllText(path);
            var pub = File.ReadAllText(path + ".pub").Trim();

            var yaml = HostKeyCloudInit.Render(priv, pub);

            var stream = new YamlStream();
            stream.Load(new StringReader("#cloud-config\n" + yaml));
            var root = (YamlMappingNode)stream.Documents[0].RootNode;
            Assert.Equal("true", ((YamlScalarNode)root["ssh_deletekeys"]).Value);
            Assert.Empty(((YamlSequenceNode)root["ssh_genkeytypes"]).Children);
            var keys = (YamlMappingNode)root["ssh_keys"];
            Assert.Equal(priv.TrimEnd('\n') + "\n", ((YamlScalarNode)keys["ed25519_private"]).Value);
            Assert.Equal(HostKey.Parse(pub), HostKey.Parse(((YamlScalarNode)keys["ed25519_public"]).Value!));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Refuses_non_ed25519_or_non_openssh_input()
    {
        const string pub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMo2V1ZxZ3s0bXq1fBiN5p0fXH2pQ7x0wV1u1E1Q5C1a";
        Assert.Throws<ArgumentException>(() => HostKeyCloudInit.Render("-----BEGIN RSA PRIVATE KEY-----\nx\n", pub));
        Assert.ThrowsAny<Exception>(() => HostKeyCloudInit.Render("-----BEGIN OPENSSH PRIVATE KEY-----\nx\n", "ssh-rsa AAAA"));
    }
}

public class RemoteSessionsTests
{
    [Fact]
    public void Invalid_private_key_is_a_user_error_without_the_key_text()
    {
        const string secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END OPENSSH PRIVATE KEY-----\n";
        var ex = Assert.Throws<Nvoi.Configuration.ConfigException>(() => new RemoteSessions(new SshSessionOptions
        {
            PrivateKey = secret,
            HostKeys = new InMemoryHostKeyStore(),
        }));
        Assert.DoesNotContain("c2VjcmV0", ex.Message);
        Assert.Contains("application.ssh_keys.private_key", ex.Message);
        Assert.Equal(ExitCodes.InvalidInput, ex.ExitCode);
    }

    [Fact]
    public async Task Same_server_gives_the_same_session()
    {
        var dir = Directory.CreateTempSubdirectory("nvoi-rs-").FullName;
        try
        {
            await SshdServer.Keygen(Path.Combine(dir, "k"));
            await using var sessions = new RemoteSessions(new SshSessionOptions
            {
                PrivateKey = File.ReadAllText(Path.Combine(dir, "k")),
                HostKeys = new InMemoryHostKeyStore(),
            });
            var a = sessions.Get(new SshEndpoint("master", "127.0.0.9", 2222));
            Assert.Same(a, sessions.Get(new SshEndpoint("master", "127.0.0.9", 2222)));
            Assert.NotSame(a, sessions.Get(new SshEndpoint("worker-1", "127.0.0.9", 2222)));
            Assert.Throws<InvalidOperationException>(() => sessions.Get(new SshEndpoint("master", "127.0.0.8", 2222)));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
