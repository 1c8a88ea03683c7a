using System.Text;

namespace Nvoi.Remote;

/// <summary>
/// The one place that turns an argv array into a command line for the remote POSIX shell.
/// Every argument is wrapped in single quotes (a single quote inside becomes <c>'\''</c>), so
/// no character (metacharacters, newlines, non-ASCII) is interpreted by the shell.
/// </summary>
public static class ShellQuote
{
    /// <summary>Quotes one argument. NUL cannot be passed through a shell and is refused.</summary>
    public static string Quote(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument.Contains('\0'))
        {
            throw new ArgumentException("A shell argument cannot contain a NUL character.", nameof(argument));
        }
        if (argument.Length > 0 && argument.All(IsPlain))
        {
            return argument;
        }
        return "'" + argument.Replace("'", "'\\''") + "'";
    }

    /// <summary>Quotes every argument and joins them with spaces.</summary>
    public static string Join(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0)
        {
            throw new ArgumentException("A command needs at least a program name.", nameof(argv));
        }
        var sb = new StringBuilder();
        foreach (var arg in argv)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }
            sb.Append(Quote(arg));
        }
        return sb.ToString();
    }

    // Characters no POSIX shell treats specially anywhere in a word.
    private static bool IsPlain(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '-' or '_' or '.' or '/' or ',' or ':' or '@' or '+' or '%';
}
