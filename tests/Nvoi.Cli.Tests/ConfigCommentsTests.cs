using Nvoi.Cli.Tests.Deploy;
using Nvoi.Configuration;
using Nvoi.Credentials;

namespace Nvoi.Cli.Tests;

/// <summary>Every command that edits deploy.enc keeps the user's comments, blank lines and key order.</summary>
public class ConfigCommentsTests
{
    /// <summary>A config made by `config init`, then commented and laid out by hand.</summary>
    private static async Task<(CliRun Run, CredentialStore Store, string Text)> CommentedAsync(string newline = "\n")
    {
        var run = new CliRun();
        Assert.Equal(0, (await run.RunAsync("config", "init", "--name", "myapp")).ExitCode);
        Assert.Equal(0, (await run.RunAsync("config", "server", "set", "master", "--master")).ExitCode);
        Assert.Equal(0, (await run.RunAsync("config", "provider", "set", "hetzner", "--api-token", "hz-token-value", "--server-type", "cx22", "--server-location", "fsn1")).ExitCode);
        Assert.Equal(0, (await run.RunAsync("config", "domain", "set", "cloudflare", "--api-token", "cf-token-value", "--account-id", "acc123")).ExitCode);
        var store = CredentialStore.Open(run.Dir, environment: _ => null);
        var text = ("# myapp, production.\n" + store.Read())
            .Replace("  name: myapp\n", "  # the DNS label of the app\n  name: myapp  # never rename\n")
            .Replace("  servers:\n", "\n  servers:\n    # the control plane\n")
            .Replace("  ssh_keys:\n", "\n  # plain variables\n  env:\n    # kept in sync with staging\n    RAILS_ENV: production  # always\n\n  ssh_keys:\n")
            .Replace("\n", newline);
        store.Write(text);
        return (run, store, text);
    }

    private static async Task<string> EditAsync(CliRun run, CredentialStore store, params string[] args)
    {
        var result = await run.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.Err}");
        Assert.DoesNotContain("comments not kept", result.Err);
        return store.Read();
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task Config_and_credentials_edits_change_only_their_own_lines(string nl)
    {
        var (run, store, text) = await CommentedAsync(nl);
        using var _ = run;
        string After(string line, string added) => text.Replace(line + nl, line + nl + added.Replace("\n", nl));

        Assert.Equal(After("    RAILS_ENV: production  # always", "    LOG_LEVEL: debug\n"), await EditAsync(run, store, "config", "env", "set", "LOG_LEVEL", "debug"));
        Assert.Equal(text, await EditAsync(run, store, "config", "env", "rm", "LOG_LEVEL"));
        Assert.Equal(text.Replace("RAILS_ENV: production  # always", "RAILS_ENV: staging  # always"),
            await EditAsync(run, store, "config", "env", "set", "RAILS_ENV", "staging"));
        Assert.Equal(text, await EditAsync(run, store, "config", "env", "set", "RAILS_ENV", "production"));

        Assert.Equal(After("    RAILS_ENV: production  # always", "    FLAG: \"yes\"\n"), await EditAsync(run, store, "credentials", "set", "env.FLAG", "yes"));
        Assert.Equal("yes", ConfigLoader.Load(store.Read()).Application.Env["FLAG"]);
        Assert.Equal(text, await EditAsync(run, store, "config", "env", "rm", "FLAG"));

        Assert.Equal(After("    RAILS_ENV: production  # always", "  secrets:\n    API_KEY: s3cr3t-value\n"),
            await EditAsync(run, store, "config", "secret", "set", "API_KEY", "s3cr3t-value"));
        Assert.Equal(text, await EditAsync(run, store, "config", "secret", "rm", "API_KEY"));

        Assert.Equal(After("      count: 1", "    workers:\n      type: cx32\n      count: 2\n"),
            await EditAsync(run, store, "config", "server", "set", "workers", "--type", "cx32", "--count", "2"));
        Assert.Equal(text, await EditAsync(run, store, "config", "server", "rm", "workers"));
    }

    [Fact]
    public async Task Credentials_edit_writes_the_text_as_the_editor_saved_it()
    {
        var (run, store, text) = await CommentedAsync();
        using var _ = run;
        var editor = run.PathOf("editor.sh");
        File.WriteAllText(editor, "#!/bin/sh\nsed -i 's/RAILS_ENV: production  # always/RAILS_ENV: staging   # edited by hand/' \"$1\"\n");
        File.SetUnixFileMode(editor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        run.Env["EDITOR"] = editor;
        var result = await run.RunAsync("credentials", "edit");
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Equal(text.Replace("RAILS_ENV: production  # always", "RAILS_ENV: staging   # edited by hand"), store.Read());
    }

    [Fact]
    public async Task A_deploy_pins_host_keys_without_touching_the_other_lines()
    {
        using var project = new SandboxProject("hetzner-postgres");
        var dir = project.Run.Dir;
        var original = project.ConfigText.Replace("  servers:\n", "\n  # one server is enough for now\n  servers:\n");
        Assert.Contains("#", original);
        ConfigFile.Create(dir, Path.Combine(dir, "deploy.enc"), original);
        File.Delete(Path.Combine(dir, "deploy.yml"));

        var deployed = await project.Run.RunAsync("deploy", "--yes", "--sandbox", "--plain");
        Assert.True(deployed.ExitCode == 0, deployed.Err + deployed.Out);
        Assert.DoesNotContain("comments not kept", deployed.Err);

        var text = CredentialStore.Open(dir, environment: _ => null).Read();
        var hostKeys = ConfigLoader.Load(text).Application.SshKeys!.HostKeys;
        Assert.NotEmpty(hostKeys);
        var pins = new[] { "    host_keys:" }.Concat(hostKeys.Select(k => $"      {k.Key}: {k.Value}")).ToList();
        var lines = text.Split('\n').ToList();
        var at = lines.IndexOf("    host_keys:");
        Assert.True(at > 0, text);
        Assert.Equal(pins, lines.GetRange(at, pins.Count));
        lines.RemoveRange(at, pins.Count);
        Assert.Equal(original, string.Join('\n', lines));
    }
}
