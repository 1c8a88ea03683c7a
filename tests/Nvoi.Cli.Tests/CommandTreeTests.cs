using System.CommandLine;
using System.Text.RegularExpressions;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli.Tests;

public class CommandTreeTests
{
    private static RootCommand Root() => NvoiApp.BuildRoot(new CliHost
    {
        Out = TextWriter.Null, Err = TextWriter.Null, In = TextReader.Null,
        GetEnvironmentVariable = _ => null, CurrentDirectory = "/",
    });

    private static Command Find(params string[] path)
    {
        Command c = Root();
        foreach (var name in path)
            c = c.Subcommands.SingleOrDefault(s => s.Name == name) ?? throw new Xunit.Sdk.XunitException($"no command {string.Join(' ', path)}");
        return c;
    }

    private static IEnumerable<string> OptionNames(Command c) =>
        c.Options.SelectMany(o => o.Aliases.Append(o.Name));

    // Every command, subcommand and option of nvoi 0.2.0 (reference §5), plus plan and sandbox serve.
    [Theory]
    [InlineData("version")]
    [InlineData("onboard")]
    [InlineData("deploy", "--dockerfile-path", "--config-dir")]
    [InlineData("plan")]
    [InlineData("delete", "--config-dir", "--delete-volumes", "--yes")]
    [InlineData("unlock")]
    [InlineData("logs", "--follow", "-f", "--tail", "-n", "--since", "--previous", "-p")]
    [InlineData("status")]
    [InlineData("run", "--interactive", "-i")]
    [InlineData("exec", "--server", "--all", "--interactive", "-i")]
    [InlineData("credentials edit")]
    [InlineData("credentials show")]
    [InlineData("credentials set")]
    [InlineData("config init", "--name", "--environment")]
    [InlineData("config provider set", "--api-token", "--server-type", "--server-location", "--access-key-id", "--secret-access-key", "--region", "--instance-type", "--secret-key", "--project-id", "--zone")]
    [InlineData("config provider rm")]
    [InlineData("config domain set", "--api-token", "--account-id")]
    [InlineData("config domain rm")]
    [InlineData("config server set", "--master", "--type", "--location", "--count")]
    [InlineData("config server rm")]
    [InlineData("config volume set", "--size")]
    [InlineData("config volume rm")]
    [InlineData("config app set", "--servers", "--domain", "--subdomain", "--port", "--command", "--pre-run-command")]
    [InlineData("config app rm")]
    [InlineData("config database set", "--servers", "--adapter", "--user", "--password", "--database", "--url", "--image")]
    [InlineData("config database rm")]
    [InlineData("config service set", "--servers", "--image", "--port", "--command")]
    [InlineData("config service rm")]
    [InlineData("config secret set")]
    [InlineData("config secret rm")]
    [InlineData("config env set")]
    [InlineData("config env rm")]
    [InlineData("db branch create")]
    [InlineData("db branch list")]
    [InlineData("db branch restore")]
    [InlineData("db branch download", "--path", "-p")]
    [InlineData("sandbox serve", "--state-dir")]
    public void Command_exists_with_its_options(string path, params string[] options)
    {
        var command = Find(path.Split(' '));
        Assert.False(string.IsNullOrWhiteSpace(command.Description));
        foreach (var option in options)
            Assert.Contains(option, OptionNames(command));
    }

    [Theory]
    [InlineData("--config", "-c")]
    [InlineData("--dir", "-d")]
    [InlineData("--branch", "-b")]
    [InlineData("--plain")]
    [InlineData("--json")]
    [InlineData("--verbose")]
    [InlineData("--no-color")]
    public void Global_options_apply_to_every_command(params string[] names)
    {
        var option = Root().Options.Single(o => o.Name == names[0]);
        Assert.True(option.Recursive);
        foreach (var alias in names.Skip(1)) Assert.Contains(alias, option.Aliases);
    }

    [Fact]
    public void Every_command_and_option_has_help_text()
    {
        var missing = new List<string>();
        void Walk(Command c, string path)
        {
            if (string.IsNullOrWhiteSpace(c.Description)) missing.Add(path);
            foreach (var o in c.Options.Where(o => !o.Hidden && o is not System.CommandLine.Help.HelpOption and not VersionOption))
                if (string.IsNullOrWhiteSpace(o.Description)) missing.Add($"{path} {o.Name}");
            foreach (var a in c.Arguments)
                if (string.IsNullOrWhiteSpace(a.Description)) missing.Add($"{path} <{a.Name}>");
            foreach (var s in c.Subcommands) Walk(s, $"{path} {s.Name}");
        }
        Walk(Root(), "nvoi");
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("--version")]
    public async Task Version_prints_nvoi_and_a_semantic_version(string arg)
    {
        using var run = new CliRun();
        var result = await run.RunAsync(arg);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(new Regex(@"^nvoi \d+\.\d+\.\d+\n$"), result.Out.Replace("\r", ""));
    }

    [Fact]
    public async Task Unknown_option_is_a_usage_error_with_exit_code_2()
    {
        using var run = new CliRun();
        var result = await run.RunAsync("deploy", "--no-such-option");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Err);
        Assert.Contains("nvoi deploy --help", result.Err);
        Assert.DoesNotContain("   at ", result.Err);
    }

    [Fact]
    public async Task Help_explains_the_command()
    {
        using var run = new CliRun();
        var result = await run.RunAsync("config", "app", "set", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--pre-run-command", result.Out);
        Assert.Contains("background worker", result.Out);
    }

    [Theory]
    [InlineData]
    [InlineData("config")]
    [InlineData("config", "env", "set")]
    [InlineData("db", "branch", "restore")]
    [InlineData("help")]
    public async Task Help_command_prints_what_help_option_prints(params string[] path)
    {
        using var run = new CliRun();
        var viaOption = await run.RunAsync([.. path, "--help"]);
        var viaCommand = await run.RunAsync(["help", .. path]);
        Assert.Equal(0, viaOption.ExitCode);
        Assert.Equal(0, viaCommand.ExitCode);
        Assert.Equal(viaOption.Out, viaCommand.Out);
        Assert.Contains("Usage:", viaCommand.Out);
        Assert.Contains(" " + string.Join(" ", path), viaCommand.Out); // the usage line (its program name is the test host here)
        Assert.Empty(viaCommand.Err);
    }

    [Theory]
    [InlineData("`nvoi` has no command `nope`", "nope")]
    [InlineData("`nvoi config env` has no command `sett`", "config", "env", "sett")]
    public async Task Help_for_an_unknown_command_is_a_usage_error(string message, params string[] path)
    {
        using var run = new CliRun();
        var result = await run.RunAsync(["help", .. path]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Err);
        Assert.Contains("its commands:", result.Err);
        Assert.Empty(result.Out);
    }
}
