using Nvoi.Onboarding;
using Spectre.Console;

namespace Nvoi.Cli.Onboard;

/// <summary>
/// The wizard's prompts on a Spectre console: every prompt is cancellable, secrets are masked,
/// answers are validated as they are entered, and dynamic text is escaped.
/// </summary>
internal sealed class WizardConsole(IAnsiConsole console, CancellationToken ct)
{
    public IAnsiConsole Console => console;
    public CancellationToken Token => ct;

    public void Section(string title)
    {
        console.WriteLine();
        console.Write(new Rule($"[bold]{Markup.Escape(title)}[/]") { Justification = Justify.Left });
    }

    public void Info(string text) => console.MarkupLine($"[grey]{Markup.Escape(text)}[/]");
    public void Success(string text) => console.MarkupLine($"[green]✓[/] {Markup.Escape(text)}");
    public void Error(string text) => console.MarkupLine($"[red]✗ {Markup.Escape(text)}[/]");

    /// <summary>A text answer; <paramref name="validate"/> returns an error line or null.</summary>
    public async Task<string> AskAsync(string label, Func<string, string?>? validate = null, string? defaultValue = null, bool allowEmpty = false)
    {
        // Spectre puts the colon after a shown default; without one the label carries it.
        var prompt = new TextPrompt<string>(Markup.Escape(label) + (defaultValue is null ? ":" : ""));
        if (defaultValue is not null) prompt.DefaultValue(defaultValue);
        if (allowEmpty) prompt.AllowEmpty();
        if (validate is not null)
            prompt.Validate(v => validate(v) is { } error ? ValidationResult.Error($"[red]{Markup.Escape(error)}[/]") : ValidationResult.Success());
        var answer = await prompt.ShowAsync(console, ct);
        return answer.Trim();
    }

    /// <summary>
    /// A masked answer. With <paramref name="emptyMeans"/> a blank answer is allowed (the caller decides
    /// what it means, e.g. "generate one" or the sandbox value); otherwise it is required.
    /// </summary>
    public async Task<string> AskSecretAsync(string label, string? emptyMeans = null, Func<string, string?>? validate = null)
    {
        var text = Markup.Escape(label) + (emptyMeans is null ? "" : $" [grey](blank: {Markup.Escape(emptyMeans)})[/]") + ":";
        var prompt = new TextPrompt<string>(text).Secret();
        if (emptyMeans is not null) prompt.AllowEmpty();
        if (validate is not null)
            prompt.Validate(v => validate(v) is { } error ? ValidationResult.Error($"[red]{Markup.Escape(error)}[/]") : ValidationResult.Success());
        return (await prompt.ShowAsync(console, ct)).Trim();
    }

    public async Task<int> AskIntAsync(string label, int defaultValue, Func<int, string?> validate)
    {
        var prompt = new TextPrompt<int>(Markup.Escape(label)).DefaultValue(defaultValue)
            .Validate(v => validate(v) is { } error ? ValidationResult.Error($"[red]{Markup.Escape(error)}[/]") : ValidationResult.Success());
        return await prompt.ShowAsync(console, ct);
    }

    /// <summary>One of <paramref name="choices"/>; type to search.</summary>
    public async Task<T> SelectAsync<T>(string title, IEnumerable<T> choices, Func<T, string> display) where T : notnull
    {
        var list = choices.ToList();
        var prompt = new SelectionPrompt<T>()
            .Title(Markup.Escape(title))
            .PageSize(12)
            .EnableSearch()
            .UseConverter(c => Markup.Escape(display(c)))
            .AddChoices(list);
        // Start on the first choice (the default would be default(T) for value types).
        prompt.DefaultValue = list[0];
        var choice = await prompt.ShowAsync(console, ct);
        console.MarkupLine($"{Markup.Escape(title)} [blue]{Markup.Escape(display(choice))}[/]");
        return choice;
    }

    public async Task<bool> ConfirmAsync(string question, bool defaultValue = true) =>
        await new ConfirmationPrompt(Markup.Escape(question)) { DefaultValue = defaultValue }.ShowAsync(console, ct);

    /// <summary>Runs <paramref name="work"/> under a spinner.</summary>
    public async Task<T> SpinAsync<T>(string text, Func<CancellationToken, Task<T>> work) =>
        await console.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(text), _ => work(ct));

    /// <summary>
    /// Runs a live check until it passes: on failure shows the one-line reason and asks whether to
    /// try again; returns null when the user goes back instead.
    /// </summary>
    public async Task<T?> CheckAsync<T>(string text, Func<CancellationToken, Task<T>> work) where T : class
    {
        try
        {
            return await SpinAsync(text, work);
        }
        catch (NvoiException e)
        {
            Error(e.Message);
            return null;
        }
    }
}
