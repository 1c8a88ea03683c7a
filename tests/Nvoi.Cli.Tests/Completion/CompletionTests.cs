namespace Nvoi.Cli.Tests.Completion;

public class CompletionTests
{
    [Theory]
    [InlineData("bash", "complete -o default -F _nvoi_complete nvoi")]
    [InlineData("zsh", "compdef _nvoi nvoi")]
    [InlineData("fish", "complete -c nvoi")]
    public async Task Each_shell_gets_a_script_that_asks_nvoi_for_the_candidates(string shell, string registration)
    {
        using var run = new CliRun();

        var result = await run.RunAsync("completion", shell);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(registration, result.Out);
        Assert.Contains("nvoi \"[suggest:", result.Out);
        Assert.Equal("", result.Err);
    }

    [Fact]
    public async Task An_unknown_shell_is_refused()
    {
        using var run = new CliRun();
        var result = await run.RunAsync("completion", "ksh");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ksh", result.Err);
        Assert.Equal("", result.Out);
    }

    private static async Task<string[]> SuggestAsync(string line)
    {
        using var run = new CliRun();
        var result = await run.RunAsync($"[suggest:{line.Length}]", line);
        Assert.True(result.ExitCode == 0, result.All);
        return result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [Fact]
    public async Task After_the_program_name_every_command_is_suggested()
    {
        var candidates = await SuggestAsync("nvoi ");
        foreach (var command in new[] { "deploy", "plan", "delete", "doctor", "completion", "credentials", "db", "logs", "exec" })
            Assert.Contains(command, candidates);
    }

    [Fact]
    public async Task A_partial_command_is_completed()
    {
        var candidates = await SuggestAsync("nvoi dep");
        Assert.Contains("deploy", candidates);
        Assert.DoesNotContain("plan", candidates);
    }

    [Fact]
    public async Task A_commands_options_are_suggested()
    {
        Assert.Contains("--sandbox", await SuggestAsync("nvoi deploy --s"));
        var deploy = await SuggestAsync("nvoi deploy -");
        Assert.Contains("--yes", deploy);
        Assert.Contains("--branch", deploy);
    }

    [Fact]
    public async Task The_completion_shells_are_suggested()
    {
        var candidates = await SuggestAsync("nvoi completion ");
        Assert.Equal(["bash", "fish", "zsh"], candidates.Where(c => !c.StartsWith('-') && !c.StartsWith('/')).Order());
    }
}
