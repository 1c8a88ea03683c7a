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
        var dir = Directory.CreateTempSubdirectory("nvoi-tmux-").FullName;
        try
        {
            using (var term = TmuxTerminal.Start(dir, $"dotnet '{nvoi}' onboard --sandbox", [CloudflareToken, DbPassword, SecretValue]))
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
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
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
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}

/// <summary>
/// One program in a detached tmux session on a private socket: keys in with send-keys, screen out with
/// capture-pane. Every capture is checked for the given secrets. Dispose kills the tmux server.
/// </summary>
internal sealed class TmuxTerminal : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly string _socket = "nvoi-test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string[] _secrets;
    private readonly DateTime _deadline = DateTime.UtcNow.AddSeconds(60);
    private const string Target = "onboard";

    private TmuxTerminal(string[] secrets) => _secrets = secrets;

    /// <summary>
    /// Starts <paramref name="command"/> in a 120x40 pane that stays after the program exits. The
    /// command runs under `sh -c '…; exit $?'` so the shell, not tmux, reaps it (a dotnet process that
    /// is the pane's own process was left a zombie by tmux 3.3a, so its exit status never appeared).
    /// </summary>
    public static TmuxTerminal Start(string dir, string command, string[] secrets)
    {
        var term = new TmuxTerminal(secrets);
        var conf = Path.Combine(dir, ".tmux-test.conf");
        File.WriteAllText(conf, "set -g remain-on-exit on\nset -g history-limit 5000\n");
        try
        {
            term.Tmux("-f", conf, "new-session", "-d", "-s", Target, "-x", "120", "-y", "40", "-c", dir, $"{command}; exit $?");
        }
        catch
        {
            term.Dispose();
            throw;
        }
        File.Delete(conf);
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
            var state = Tmux("display-message", "-p", "-t", Target, "#{pane_dead}|#{pane_dead_status}").Trim();
            if (state.StartsWith("1|", StringComparison.Ordinal) && int.TryParse(state[2..], out var status))
            {
                History();
                return (status, Screen());
            }
            CheckDeadline($"the program to exit (pane state {state})");
        }
    }

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
        psi.ArgumentList.Add("-L");
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
