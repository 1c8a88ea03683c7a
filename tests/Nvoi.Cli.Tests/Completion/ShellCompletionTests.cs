using System.Diagnostics;

namespace Nvoi.Cli.Tests.Completion;

/// <summary>
/// The printed scripts run by the real shells against the nvoi built beside this test assembly
/// (bash, zsh and fish come from scripts/prereqs/apt.txt; a missing shell fails the test).
/// </summary>
public class ShellCompletionTests
{
    /// <summary>Each shell's way to complete LINE with the cursor at its end; prints one candidate per line.</summary>
    private static string Driver(string shell, string line) => shell switch
    {
        "bash" =>
            "source ./nvoi.completion\n" +
            $"COMP_LINE='{line}'; COMP_POINT={line.Length}; COMP_WORDS=({string.Join(' ', line.Split(' ').Select(w => $"'{w}'"))}); " +
            $"COMP_CWORD={line.Split(' ').Length - 1}\n" +
            "_nvoi_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"",
        // Outside the line editor there is no compsys: compdef is a no-op and compadd prints what it is
        // given, filtered by the current word's prefix as compsys does.
        "zsh" =>
            "compdef() { : }\n" +
            "compadd() { [[ $1 == -- ]] && shift; local c; for c in \"$@\"; do [[ $c == ${PREFIX}* ]] && print -r -- $c; done; return 0 }\n" +
            "source ./nvoi.completion\n" +
            $"BUFFER='{line}'; CURSOR={line.Length}; PREFIX='{line.Split(' ')[^1]}'\n_nvoi",
        "fish" => $"source ./nvoi.completion; complete -C '{line}'",
        _ => throw new ArgumentOutOfRangeException(nameof(shell)),
    };

    private static async Task<string[]> CompleteAsync(string shell, string line)
    {
        using var run = new CliRun();
        File.WriteAllText(run.PathOf("nvoi.completion"), (await run.RunAsync("completion", shell)).Out);
        var start = new ProcessStartInfo(shell) { WorkingDirectory = run.Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        if (shell == "fish") start.ArgumentList.Add("--no-config");
        if (shell == "zsh") start.ArgumentList.Add("-f");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Driver(shell, line));
        // The apphost beside the tests, and the runtime this test runs on.
        start.Environment["PATH"] = AppContext.BaseDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Environment.ProcessPath)!;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stderr);
        Assert.Equal("", stderr);
        // fish prints "candidate<TAB>description"; the others only the candidate.
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]).ToArray();
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("fish")]
    public async Task A_partial_command_completes_to_the_commands_it_begins(string shell)
    {
        Assert.Equal(["delete", "deploy"], (await CompleteAsync(shell, "nvoi de")).Order());
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("fish")]
    public async Task An_option_of_a_command_completes(string shell)
    {
        Assert.Equal(["--sandbox"], await CompleteAsync(shell, "nvoi deploy --sa"));
    }
}
