using System.Diagnostics;
using System.Text.Json;
using Nvoi.Configuration;
using Nvoi.Credentials;

namespace Nvoi.Cli.Tests;

/// <summary>What edits of deploy.enc keep: a symlink, string values as strings, files nvoi 0.2.0 left behind.</summary>
public class ConfigFileSafetyTests
{
    private static async Task<CliRun> InitAsync()
    {
        var run = new CliRun();
        var init = await run.RunAsync("config", "init", "--name", "myapp");
        Assert.True(init.ExitCode == 0, init.Err);
        return run;
    }

    private static async Task<string> ShowAsync(CliRun run)
    {
        var show = await run.RunAsync("credentials", "show");
        Assert.True(show.ExitCode == 0, show.Err);
        return show.Out;
    }

    [Theory]
    [InlineData("config", "env", "set", "FLAG", "on")]
    [InlineData("credentials", "set", "env.FLAG", "on")]
    public async Task An_edit_of_a_symlinked_deploy_enc_writes_the_target_and_keeps_the_link(params string[] edit)
    {
        using var run = await InitAsync();
        Directory.CreateDirectory(run.PathOf("vault"));
        File.Move(run.PathOf("deploy.enc"), run.PathOf("vault/deploy.enc"));
        File.CreateSymbolicLink(run.PathOf("deploy.enc"), "vault/deploy.enc");

        var result = await run.RunAsync(edit);
        Assert.True(result.ExitCode == 0, result.Err);

        Assert.Equal("vault/deploy.enc", new FileInfo(run.PathOf("deploy.enc")).LinkTarget);
        Assert.Contains("FLAG: \"on\"", await ShowAsync(run));
        Assert.True(File.Exists(run.PathOf("vault/deploy.enc.lock")));
        Assert.False(File.Exists(run.PathOf("deploy.enc.tmp")) || File.Exists(run.PathOf("vault/deploy.enc.tmp")));
    }

    /// <summary>Values a YAML 1.1 reader (0.2.0's Ruby Psych, PyYAML) would take for a boolean, number, date or null.</summary>
    public static TheoryData<string> Ambiguous() => ["yes", "no", "on", "off", "Yes", "NO", "y", "0755", "1e3", "2025-01-01", "null", "~", "", "12:30", "3", "-1", ".5", "true"];

    [Theory]
    [MemberData(nameof(Ambiguous))]
    public async Task A_string_value_is_written_as_a_string_a_YAML_1_1_reader_reads_back(string value)
    {
        using var run = await InitAsync();
        foreach (var edit in new[] { new[] { "credentials", "set", "env.VIA_SET", value }, ["credentials", "set", "secrets.SECRET_VIA_SET", value], ["config", "env", "set", "VIA_CONFIG", value] })
        {
            var result = await run.RunAsync(edit);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', edit)}: {result.Err}");
        }
        var yaml = await ShowAsync(run);
        Assert.Contains($"VIA_SET: \"{value}\"", yaml);
        var env = ConfigLoader.Load(yaml).Application;
        Assert.Equal(value, env.Env["VIA_SET"]);
        Assert.Equal(value, env.Env["VIA_CONFIG"]);
        Assert.Equal(value, env.Secrets["SECRET_VIA_SET"]);

        // An independent YAML 1.1 reader gets strings, equal to the values set.
        var types = Yaml11Types(yaml);
        foreach (var key in new[] { "env.VIA_SET", "env.VIA_CONFIG", "secrets.SECRET_VIA_SET" })
            Assert.Equal(("str", value), types[key]);
    }

    [Fact]
    public async Task Integer_and_boolean_keys_stay_numbers_and_booleans()
    {
        using var run = await InitAsync();
        Assert.Equal(0, (await run.RunAsync("config", "server", "set", "master", "--master")).ExitCode);
        Assert.Equal(0, (await run.RunAsync("credentials", "set", "servers.master.count", "3")).ExitCode);
        Assert.Equal(0, (await run.RunAsync("credentials", "set", "keep_count", "4")).ExitCode);
        var yaml = await ShowAsync(run);
        Assert.Contains("count: 3\n", yaml);
        Assert.Contains("keep_count: 4\n", yaml);
        var bad = await run.RunAsync("credentials", "set", "servers.master.count", "many");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("application.servers.master.count", bad.Err);
    }

    [Fact]
    public async Task Credentials_set_accepts_a_path_with_the_application_prefix_as_0_2_0_did()
    {
        using var run = await InitAsync();
        var result = await run.RunAsync("credentials", "set", "application.environment", "staging");
        Assert.True(result.ExitCode == 0, result.Err);
        Assert.Contains("~ application.environment = staging", result.Out);
        var yaml = await ShowAsync(run);
        Assert.Equal("staging", ConfigLoader.Load(yaml).Application.Environment);
        Assert.DoesNotContain("application:\n    application", yaml.Replace("  ", "    "));
        Assert.Single(yaml.Split('\n'), l => l.Trim() == "application:");
    }

    [Fact]
    public async Task A_file_with_the_empty_compute_provider_0_2_0_left_behind_accepts_edits()
    {
        using var run = await InitAsync();
        var store = CredentialStore.Open(run.Dir, environment: _ => null);
        store.Write(store.Read().Replace("  environment: production\n", "  environment: production\n  compute_provider: {}\n  domain_provider: {}\n"));

        var env = await run.RunAsync("config", "env", "set", "A", "b");
        Assert.True(env.ExitCode == 0, env.Err);
        var set = await run.RunAsync("credentials", "set", "env.C", "d");
        Assert.True(set.ExitCode == 0, set.Err);
        var provider = await run.RunAsync("config", "provider", "set", "hetzner", "--api-token", "hz-token-value", "--server-type", "cx22", "--server-location", "fsn1");
        Assert.True(provider.ExitCode == 0, provider.Err);
        Assert.Equal("cx22", ConfigLoader.Load(await ShowAsync(run)).Application.ComputeProvider!.Hetzner!.ServerType);
    }

    /// <summary>PyYAML (YAML 1.1, as Psych) loads the text: path → (python type name, text of the value).</summary>
    private static Dictionary<string, (string Type, string Value)> Yaml11Types(string yaml)
    {
        const string script = """
            import json, sys, yaml
            app = yaml.safe_load(sys.stdin.read())["application"]
            out = {}
            for section in ("env", "secrets"):
                for k, v in (app.get(section) or {}).items():
                    out[section + "." + k] = [type(v).__name__, v if isinstance(v, str) else repr(v)]
            print(json.dumps(out))
            """;
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var python = Process.Start(start)!;
        python.StandardInput.Write(yaml);
        python.StandardInput.Close();
        var stdout = python.StandardOutput.ReadToEnd();
        var stderr = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, "python3 with PyYAML (python3-yaml) is needed: " + stderr);
        return JsonSerializer.Deserialize<Dictionary<string, string[]>>(stdout)!.ToDictionary(e => e.Key, e => (e.Value[0], e.Value[1]));
    }
}
