using System.Diagnostics;
using Nvoi.Credentials;

namespace Nvoi.Cli.Tests;

/// <summary>
/// `credentials edit` run as a real process with a fake editor that reports the file it was given through
/// one fifo and then waits on another, so a signal arrives while the plaintext is on disk (no sleeps).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class CredentialsEditSignalTests
{
    private const string Editor = """
        #!/bin/sh
        exec </dev/null >/dev/null 2>&1 # outlives nvoi here: must not hold its output pipes open
        printf '%s\n' "$1" > "$NVOI_TEST_FIFOS/ready"
        read line < "$NVOI_TEST_FIFOS/go"
        """;

    [Theory]
    [InlineData("INT")]
    [InlineData("INT", "INT")]
    [InlineData("TERM")]
    [InlineData("HUP")]
    [InlineData("QUIT")]
    public async Task A_signal_during_the_edit_removes_the_plaintext_and_writes_nothing(params string[] signals)
    {
        using var run = new CliRun();
        Assert.Equal(0, (await run.RunAsync("config", "init", "--name", "myapp")).ExitCode);
        Assert.Equal(0, (await run.RunAsync("config", "secret", "set", "API_SECRET", "plaintext-secret-value")).ExitCode);
        var before = File.ReadAllBytes(run.PathOf("deploy.enc"));
        var fifos = Directory.CreateTempSubdirectory("nvoi-fifos-").FullName;
        try
        {
            Exec("mkfifo", Path.Combine(fifos, "ready"), Path.Combine(fifos, "go"));
            var editor = Path.Combine(fifos, "editor.sh");
            File.WriteAllText(editor, Editor + "\n");
            File.SetUnixFileMode(editor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            using var nvoi = CliProcess.Start(run.Dir, new Dictionary<string, string> { ["EDITOR"] = editor, ["NVOI_TEST_FIFOS"] = fifos }, "credentials", "edit");
            var scratch = (await Task.Run(() => File.ReadAllText(Path.Combine(fifos, "ready")))).Trim();

            // The editor holds the decrypted config: owner-only, in an owner-only directory.
            var dir = Path.GetDirectoryName(scratch)!;
            Assert.StartsWith("nvoi-edit-", Path.GetFileName(dir));
            Assert.Contains("plaintext-secret-value", File.ReadAllText(scratch));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(scratch));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));

            foreach (var signal in signals) Exec("kill", "-s", signal, nvoi.Id.ToString());
            var result = await nvoi.WaitAsync();

            Assert.NotEqual(0, result.ExitCode);
            Assert.False(Directory.Exists(dir), $"{dir} is left after SIG{string.Join(", SIG", signals)}");
            Assert.Equal(before, File.ReadAllBytes(run.PathOf("deploy.enc")));
            Assert.DoesNotContain("plaintext-secret-value", result.All);

            // Let the orphaned editor go; its file is gone, so nothing comes back.
            await Task.Run(() => File.WriteAllText(Path.Combine(fifos, "go"), "done\n"));
            Assert.False(Directory.Exists(dir));
            // The lock went with the process: an edit now does not wait.
            using var again = CredentialLock.Acquire(run.PathOf("deploy.enc"), _ => Assert.Fail("the lock of a killed nvoi is still held"));
        }
        finally
        {
            Directory.Delete(fifos, recursive: true);
        }
    }

    [Fact]
    public async Task A_finished_edit_removes_the_plaintext()
    {
        using var run = new CliRun();
        Assert.Equal(0, (await run.RunAsync("config", "init", "--name", "myapp")).ExitCode);
        Assert.Equal(0, (await run.RunAsync("config", "provider", "set", "hetzner", "--api-token", "hz-token-value", "--server-type", "cx22", "--server-location", "fsn1")).ExitCode);
        Assert.Equal(0, (await run.RunAsync("config", "domain", "set", "cloudflare", "--api-token", "cf-token-value", "--account-id", "acc123")).ExitCode);
        var fifos = Directory.CreateTempSubdirectory("nvoi-fifos-").FullName;
        try
        {
            Exec("mkfifo", Path.Combine(fifos, "ready"), Path.Combine(fifos, "go"));
            var editor = Path.Combine(fifos, "editor.sh");
            File.WriteAllText(editor, Editor + "\nprintf '  env:\\n    EDITED: \"yes\"\\n' >> \"$1\"\n");
            File.SetUnixFileMode(editor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            using var nvoi = CliProcess.Start(run.Dir, new Dictionary<string, string> { ["EDITOR"] = editor, ["NVOI_TEST_FIFOS"] = fifos }, "credentials", "edit");
            var scratch = (await Task.Run(() => File.ReadAllText(Path.Combine(fifos, "ready")))).Trim();
            await Task.Run(() => File.WriteAllText(Path.Combine(fifos, "go"), "done\n"));
            var result = await nvoi.WaitAsync();

            Assert.True(result.ExitCode == 0, result.Err);
            Assert.False(Directory.Exists(Path.GetDirectoryName(scratch)));
            Assert.Contains("EDITED: \"yes\"", (await run.RunAsync("credentials", "show")).Out);
        }
        finally
        {
            Directory.Delete(fifos, recursive: true);
        }
    }

    private static void Exec(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program}: {stderr}");
    }
}
