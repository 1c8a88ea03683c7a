using Nvoi.Cli.Commands;
using Nvoi.Cli.Hosting;
using Nvoi.Configuration;
using Spectre.Console;
using Spectre.Console.Rendering;
using Spectre.Console.Testing;

namespace Nvoi.Cli.Tests.Onboard;

/// <summary>`nvoi onboard` as a command: terminal check, --sandbox, Ctrl+C, an existing config.</summary>
[Collection(OnboardCommandCollection.Name)]
public sealed class OnboardCommandTests : IDisposable
{
    private readonly CliRun _cli = new();

    public void Dispose()
    {
        OnboardCommand.ConsoleOverride = null;
        _cli.Dispose();
    }

    private async Task<CliResult> RunInteractiveAsync(IAnsiConsole console, CancellationToken ct, params string[] args)
    {
        OnboardCommand.ConsoleOverride = _ => console;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var host = new CliHost
        {
            Out = stdout, Err = stderr, In = TextReader.Null,
            InIsTerminal = true, OutIsTerminal = true,
            GetEnvironmentVariable = _ => null,
            CurrentDirectory = _cli.Dir,
        };
        var code = await NvoiApp.RunAsync(args, host, ct);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Without_a_terminal_it_points_to_nvoi_config_and_fails()
    {
        var result = await _cli.RunAsync("onboard");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("needs an interactive terminal", result.Err);
        Assert.Contains("nvoi config init", result.Err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cli.Dir));
    }

    [Fact]
    public async Task Sandbox_runs_against_the_emulators_with_their_tokens()
    {
        using var console = new TestConsole().Interactive().Width(200);
        new WizardScript(console).Type("sandboxed")
            .Choose("Hetzner").Enter().Choose("fsn1").Choose("cx22")
            .Enter().Enter()
            .Enter().Enter().Type("3000").Choose("example.com").Type("www").Enter().Enter()
            .Choose("None").Choose("Done").Choose("Save");

        var result = await RunInteractiveAsync(console, default, "onboard", "--sandbox");

        Assert.True(result.ExitCode == 0, result.All + console.Output);
        var app = ConfigSource.FromText(ConfigFile.Open(_cli.Dir, null, null, _ => null).ReadText()).Application;
        Assert.Equal("sandboxed", app.Name);
        Assert.Equal("sandbox-hetzner-token", app.ComputeProvider!.Hetzner!.ApiToken);
        Assert.Equal(Answers.AccountId, app.DomainProvider!.Cloudflare!.AccountId);
        Assert.Contains("nvoi deploy --sandbox", console.Output);
        Assert.Contains("only works with --sandbox", console.Output);
        Assert.DoesNotContain("sandbox-hetzner-token", console.Output);
    }

    [Fact]
    public async Task Ctrl_C_cancels_with_nothing_written()
    {
        using var cts = new CancellationTokenSource();
        using var test = new TestConsole().Interactive().Width(200);
        new WizardScript(test).Type("interrupted").Choose("Hetzner");
        var console = new InterruptingConsole(test, cts);

        var result = await RunInteractiveAsync(console, cts.Token, "onboard", "--sandbox");

        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Contains("Setup cancelled; nothing was written.", test.Output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cli.Dir));
    }

    [Fact]
    public async Task An_existing_config_is_not_overwritten()
    {
        File.WriteAllText(_cli.PathOf("deploy.enc"), "x");
        using var console = new TestConsole().Interactive();

        var result = await RunInteractiveAsync(console, default, "onboard");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("already exists", result.Err);
        Assert.Equal("x", File.ReadAllText(_cli.PathOf("deploy.enc")));
        Assert.False(File.Exists(_cli.PathOf("deploy.key")));
    }

    /// <summary>A TestConsole whose user presses Ctrl+C when the script runs out: the token is cancelled, as by SIGINT.</summary>
    private sealed class InterruptingConsole(TestConsole inner, CancellationTokenSource cts) : IAnsiConsole, IAnsiConsoleInput
    {
        public Profile Profile => inner.Profile;
        public IAnsiConsoleCursor Cursor => inner.Cursor;
        public IAnsiConsoleInput Input => this;
        public IExclusivityMode ExclusivityMode => inner.ExclusivityMode;
        public RenderPipeline Pipeline => inner.Pipeline;
        public void Clear(bool home) => inner.Clear(home);
        public void Write(IRenderable renderable) => inner.Write(renderable);
        public void WriteAnsi(Action<AnsiWriter> action) => inner.WriteAnsi(action);

        public bool IsKeyAvailable() => inner.Input.IsKeyAvailable();

        public ConsoleKeyInfo? ReadKey(bool intercept) => Next(intercept, cts.Token);

        public Task<ConsoleKeyInfo?> ReadKeyAsync(bool intercept, CancellationToken cancellationToken) =>
            Task.FromResult(Next(intercept, cancellationToken));

        private ConsoleKeyInfo? Next(bool intercept, CancellationToken ct)
        {
            if (inner.Input.IsKeyAvailable()) return inner.Input.ReadKey(intercept);
            cts.Cancel();
            ct.ThrowIfCancellationRequested();
            throw new InvalidOperationException("the prompt did not observe the cancellation");
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OnboardCommandCollection
{
    public const string Name = "onboard command (static console override)";
}
