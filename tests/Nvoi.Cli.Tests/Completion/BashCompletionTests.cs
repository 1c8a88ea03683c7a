using System.Diagnostics;

namespace Nvoi.Cli.Tests.Completion;

/// <summary>The bash script run by a real bash against the nvoi built beside this test assembly.</summary>
public class BashCompletionTests
{
    private static async Task<string[]> CompleteAsync(string line)
    {
        using var run = new CliRun();
        var script = (await run.RunAsync("completion", "bash")).Out;
        File.WriteAllText(run.PathOf("nvoi.bash"), script);
        var words = line.Split(' ');
        var start = new ProcessStartInfo("bash") { WorkingDirectory = run.Dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            "source ./nvoi.bash\n" +
            $"COMP_LINE='{line}'; COMP_POINT={line.Length}; COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}\n" +
            "_nvoi_complete\nprintf '%s\\n' \"${COMPREPLY[@]}\"");
        // The apphost beside the tests, and the runtime this test runs on.
        start.Environment["PATH"] = AppContext.BaseDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Environment.ProcessPath)!;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stderr);
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Bash_completes_a_partial_command_to_the_commands_it_begins()
    {
        Assert.Equal(["delete", "deploy"], (await CompleteAsync("nvoi de")).Order());
    }

    [Fact]
    public async Task Bash_completes_an_option_of_a_command()
    {
        Assert.Equal(["--sandbox"], await CompleteAsync("nvoi deploy --sa"));
    }
}
