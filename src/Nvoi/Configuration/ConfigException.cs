namespace Nvoi.Configuration;

/// <summary>One problem in a config file: the YAML path it is at (<c>application.app.web.port</c>) and what is wrong.</summary>
public sealed record ConfigError(string Path, string Message)
{
    /// <summary>1-based line in the YAML text, when known.</summary>
    public int? Line { get; init; }

    /// <summary><c>path: message</c>, with <c>(line N)</c> appended when the line is known.</summary>
    public override string ToString()
    {
        var text = Path.Length == 0 ? Message : $"{Path}: {Message}";
        return Line is { } line ? $"{text} (line {line})" : text;
    }
}

/// <summary>The config cannot be used: every problem found, each with its YAML path. Exit code 2.</summary>
public sealed class ConfigException : NvoiException
{
    public IReadOnlyList<ConfigError> Errors { get; }

    public ConfigException(IReadOnlyList<ConfigError> errors) : base(Render(errors))
    {
        if (errors.Count == 0) throw new ArgumentException("at least one error is required", nameof(errors));
        Errors = errors;
    }

    public ConfigException(string path, string message) : this([new ConfigError(path, message)]) { }

    public override int ExitCode => ExitCodes.InvalidInput;

    private static string Render(IReadOnlyList<ConfigError> errors) =>
        string.Join(Environment.NewLine, errors.Select(e => e.ToString()));
}
