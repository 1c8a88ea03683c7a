using System.Diagnostics;
using Nvoi.Configuration;

namespace Nvoi.Cli.Tests.Onboard;

/// <summary>
/// The real `nvoi` binary in a real terminal (tmux): `onboard --sandbox` answered key by key, then
/// `deploy --sandbox` of the saved config. Needs tmux (scripts/prereqs/apt.txt); fails without it.
/// </summary>
public sealed class TmuxOnboardTests
{
    private const string CloudflareToken = "cf-tmux-token-5b81e2";
    private const string DbPassword = "pg-tmux-pass-77c1d0";
    private const string SecretValue = "skb-tmux-value-9f3a44";

    [Fact]
    public async Task Onboard_in_a_real_terminal_then_deploy_the_saved_config()
    {
        var nvoi = Path.Combine(AppContext.BaseDirectory, "nvoi.dll");
        Assert.True(File.Exists(nvoi), $"{nvoi} is missing (the test project references src/Nvoi.Cli)");
        // The project directory is root/app; tmux's socket and config stay outside it (the image build reads the directory).
        var root = Directory.CreateTempSubdirectory("nvoi-tmux-").FullName;
        var dir = Directory.CreateDirectory(Path.Combine(root, "app")).FullName;
        try
        {
            using (var term = TmuxTerminal.Start(root, dir, $"dotnet '{nvoi}' onboard --sandbox", [CloudflareToken, DbPassword, SecretValue]))
            {
                term.Answer("Application name (used in every server and resource name):", "tmuxapp");
                term.Keys("> Hetzner Cloud", "Enter");
                term.Keys("Hetzner API token (blank: the sandbox value):", "Enter");
                term.Keys("Location:", "Enter");
                term.Keys("Server type:", "Enter");
                term.Answer("Cloudflare API token (blank: the sandbox value):", CloudflareToken);
                term.Keys("Cloudflare account ID (", "Enter");
                term.Keys("App name (web):", "Enter");
                term.Keys("Command (blank: the image's entrypoint):", "Enter");
                term.Answer("Port (blank: a background worker):", "3000");
                term.Keys("> example.co.uk", "Down", "Enter");
                term.Answer("Subdomain of example.com", "www");
                term.Keys("Pre-run command, e.g. migrations (blank: none):", "Enter");
                term.Keys("Add another app? [y/n] (n):", "Enter");
                term.Keys("> PostgreSQL", "Enter");
                term.Keys("Volume size in GB (10):", "Enter");
                term.Keys("Database name (tmuxapp_production):", "Enter");
                term.Keys("Database user (tmuxapp):", "Enter");
                term.Answer("Database password (blank: generate a strong one):", DbPassword);
                term.Keys("Add a secret (masked)", "Down", "Down", "Enter");
                term.Answer("Secret name:", "SECRET_KEY_BASE");
                term.Answer("Secret value:", SecretValue);
                term.Keys("│ SECRET_KEY_BASE │ ******** (secret) │", "Enter");
                term.Keys("> Save", "Enter");

                var (status, screen) = term.WaitForExit();
                Assert.True(status == 0, $"onboard exited with {status}:\n{screen}");
                Assert.Contains("Next steps:", screen);
                Assert.Contains("nvoi deploy --sandbox", screen);
                Assert.Contains("Cloudflare API token (blank: the sandbox value): " + new string('*', CloudflareToken.Length), term.History());
            }

            Assert.True(File.Exists(Path.Combine(dir, "deploy.enc")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "deploy.key")));
            var app = ConfigSource.FromText(ConfigFile.Open(dir, null, null, _ => null).ReadText()).Application;
            Assert.Equal(("tmuxapp", CloudflareToken), (app.Name, app.DomainProvider!.Cloudflare!.ApiToken));
            Assert.Equal((DbPassword, SecretValue), (app.Database!.Secrets["POSTGRES_PASSWORD"], app.Secrets["SECRET_KEY_BASE"]));
            Assert.Equal(("example.com", "www", 3000), (app.App["web"].Domain, app.App["web"].Subdomain, app.App["web"].Port));

            var validate = await RunAsync(dir, nvoi, "config", "validate");
            Assert.True(validate.Code == 0, validate.Output);

            foreach (var file in new[] { "Dockerfile", "index.html" })
                File.Copy(Path.Combine(Deploy.SandboxProject.RepoRoot(), "examples", "hetzner-postgres", file), Path.Combine(dir, file));
            var deploy = await RunAsync(dir, nvoi, "deploy", "--sandbox", "--yes", "--plain");
            Assert.True(deploy.Code == 0, deploy.Output);
            Assert.Matches(@"https://www\.example\.com\b", deploy.Output);
            foreach (var secret in new[] { CloudflareToken, DbPassword, SecretValue })
                Assert.DoesNotContain(secret, deploy.Output);
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string dir, string nvoi, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(nvoi);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"nvoi {string.Join(' ', args)} did not finish in 60 s");
        }
        return (process.ExitCode, await output + await error);
    }
}

/// <summary>
/// One program in a detached tmux session on a private server (its socket in a directory of the test, so
/// parallel tests cannot meet and nothing is left in /tmp/tmux-UID): keys in with send-keys, screen out
/// with capture-pane. Every capture is checked for the given secrets. Dispose kills the tmux server.
/// </summary>
internal sealed class TmuxTerminal : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly string _socket;
    private readonly string _statusFile;
    private readonly string[] _secrets;
    private readonly DateTime _deadline = DateTime.UtcNow.AddSeconds(60);
    private const string Target = "onboard";

    private TmuxTerminal(string privateDir, string[] secrets) =>
        (_socket, _statusFile, _secrets) = (Path.Combine(privateDir, "tmux.sock"), Path.Combine(privateDir, "exit-status"), secrets);

    /// <summary>
    /// Starts <paramref name="command"/> in <paramref name="dir"/>, in a 120x40 pane that stays after the program exits
    /// (remain-on-exit); the shell around it writes its exit status to a file of <paramref name="privateDir"/>.
    /// </summary>
    public static TmuxTerminal Start(string privateDir, string dir, string command, string[] secrets)
    {
        var term = new TmuxTerminal(privateDir, secrets);
        var conf = Path.Combine(privateDir, "tmux.conf");
        File.WriteAllText(conf, "set -g remain-on-exit on\nset -g history-limit 5000\n");
        try
        {
            term.Tmux("-f", conf, "new-session", "-d", "-s", Target, "-x", "120", "-y", "40", "-c", dir, $"{command}; echo $? > '{term._statusFile}'");
        }
        catch
        {
            term.Dispose();
            throw;
        }
        return term;
    }

    /// <summary>Waits for <paramref name="prompt"/> on screen, then types <paramref name="text"/> and Enter.</summary>
    public void Answer(string prompt, string text)
    {
        WaitFor(prompt);
        Tmux("send-keys", "-t", Target, "-l", text);
        Tmux("send-keys", "-t", Target, "Enter");
    }

    /// <summary>Waits for <paramref name="prompt"/> on screen, then sends tmux key names (Enter, Down, …).</summary>
    public void Keys(string prompt, params string[] keys)
    {
        WaitFor(prompt);
        foreach (var key in keys) Tmux("send-keys", "-t", Target, key);
    }

    /// <summary>Waits for the program to exit; its exit status and final screen.</summary>
    public (int Status, string Screen) WaitForExit()
    {
        while (true)
        {
            if (ExitStatus() is { } status)
            {
                History();
                return (status, Screen());
            }
            CheckDeadline($"the program to exit (pane_dead={Tmux("display-message", "-p", "-t", Target, "#{pane_dead}").Trim()}, status file {(File.Exists(_statusFile) ? "written" : "absent")})");
        }
    }

    /// <summary>
    /// The program's exit status once its pane is dead (all its output drawn), else null. The status comes from
    /// the file the wrapping shell writes, not #{pane_dead_status}: tmux 3.3a here now and then never reaps the
    /// pane's process (a zombie) and leaves that format empty.
    /// </summary>
    private int? ExitStatus() =>
        Tmux("display-message", "-p", "-t", Target, "#{pane_dead}").Trim() == "1" && File.Exists(_statusFile)
            && int.TryParse(File.ReadAllText(_statusFile).Trim(), out var status) ? status : null;

    /// <summary>The visible screen.</summary>
    public string Screen() => Checked(Tmux("capture-pane", "-p", "-t", Target));

    /// <summary>Everything the pane ever showed, scrollback included.</summary>
    public string History() => Checked(Tmux("capture-pane", "-p", "-S", "-", "-t", Target));

    public void AssertNoSecret(string screen)
    {
        foreach (var secret in _secrets)
            Assert.False(screen.Contains(secret, StringComparison.Ordinal), $"a secret typed in the wizard is on the screen:\n{screen}");
    }

    private string Checked(string screen)
    {
        AssertNoSecret(screen);
        return screen;
    }

    private void WaitFor(string text)
    {
        while (true)
        {
            History();
            if (Screen().Contains(text, StringComparison.Ordinal)) return;
            if (ExitStatus() is { } status)
                Assert.Fail($"the program exited ({status}) while the test waited for \"{text}\"; the screen:\n{Screen()}");
            CheckDeadline($"\"{text}\"");
        }
    }

    private void CheckDeadline(string what)
    {
        if (DateTime.UtcNow > _deadline)
            Assert.Fail($"timed out waiting for {what}; the screen:\n{Screen()}");
        Thread.Sleep(Poll);
    }

    private string Tmux(params string[] args)
    {
        var psi = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-S");
        psi.ArgumentList.Add(_socket);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("tmux did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({process.ExitCode}): {error.Trim()}");
        return output.Result;
    }

    public void Dispose()
    {
        try { Tmux("kill-server"); } catch (InvalidOperationException) { }
    }
}
