using System.Text.Json;
using Spectre.Console;

namespace Nvoi.Cli.Rendering;

public enum OutputMode { Rich, Plain, Json }

/// <summary>
/// Where a command writes: results to stdout, diagnostics to stderr. Colors only on a terminal,
/// without --no-color and NO_COLOR; --json prints JSON only on stdout.
/// </summary>
public sealed class Output
{
    private readonly TextWriter _out;
    private readonly TextWriter _err;

    public OutputMode Mode { get; }
    public bool Color { get; }
    public bool Verbose { get; }

    /// <summary>A Spectre console on stdout for tables and prompts.</summary>
    public IAnsiConsole Console { get; }

    public Output(TextWriter stdout, TextWriter stderr, OutputMode mode, bool color, bool verbose, bool interactive)
    {
        _out = stdout;
        _err = stderr;
        Mode = mode;
        Color = color && mode != OutputMode.Json;
        Verbose = verbose;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = Color ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = Color ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            // nvoi decides from the real terminal; Spectre's CI detection would turn prompts off on a
            // developer's terminal that merely has CI variables set.
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
    }

    public TextWriter Stdout => _out;
    public TextWriter Stderr => _err;

    /// <summary>A result line on stdout (suppressed in JSON mode: JSON callers get <see cref="WriteJson"/>).</summary>
    public void Line(string text = "")
    {
        if (Mode != OutputMode.Json) _out.WriteLine(text);
    }

    public void Success(string text) => Styled(_out, "✓ ", text, "32");
    public void Info(string text) => Styled(_err, "", text, "36");
    public void Warning(string text) => Styled(_err, "warning: ", text, "33");
    public void Error(string text) => Styled(_err, "error: ", text, "31", always: true);

    public void Detail(string text)
    {
        if (Verbose) Styled(_err, "", text, "90");
    }

    private void Styled(TextWriter writer, string prefix, string text, string ansi, bool always = false)
    {
        if (Mode == OutputMode.Json && !always && writer == _out) return;
        writer.WriteLine(Color ? $"\u001b[{ansi}m{prefix}\u001b[0m{text}" : prefix + text);
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One JSON document (or one NDJSON line) on stdout.</summary>
    public void WriteJson<T>(T value) => _out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
}
