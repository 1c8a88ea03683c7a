using System.CommandLine;
using Nvoi.Cli.Hosting;

namespace Nvoi.Cli.Commands;

/// <summary>
/// `nvoi completion bash|zsh|fish`: prints a completion script. The script asks nvoi itself for the
/// candidates through System.CommandLine's suggest directive: <c>nvoi "[suggest:POS]" "LINE"</c>.
/// </summary>
internal sealed class CompletionCommand : Command
{
    public static readonly IReadOnlyList<string> Shells = ["bash", "zsh", "fish"];

    public CompletionCommand(CliHost host) : base("completion", "Print a shell completion script (bash, zsh or fish); see docs/packaging.md.")
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong([.. Shells]);
        Arguments.Add(shell);
        SetAction(parse =>
        {
            host.Out.Write(Script(parse.GetValue(shell)!));
            return ExitCodes.Success;
        });
    }

    /// <summary>The completion script for one shell.</summary>
    public static string Script(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "fish" => Fish,
        _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "bash, zsh or fish"),
    };

    private const string Bash = """
        # nvoi completion for bash: add to ~/.bashrc
        #   source <(nvoi completion bash)
        _nvoi_complete() {
          local IFS=$'\n'
          local candidates
          candidates=$(nvoi "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
          COMPREPLY=($(compgen -W "${candidates}" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _nvoi_complete nvoi

        """;

    private const string Zsh = """
        # nvoi completion for zsh: add to ~/.zshrc (after compinit)
        #   source <(nvoi completion zsh)
        _nvoi() {
          local -a candidates
          candidates=("${(@f)$(nvoi "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
          compadd -- ${candidates}
        }
        compdef _nvoi nvoi

        """;

    private const string Fish = """
        # nvoi completion for fish: save as ~/.config/fish/completions/nvoi.fish
        #   nvoi completion fish > ~/.config/fish/completions/nvoi.fish
        function __nvoi_complete
            set -l line (commandline -cp)
            nvoi "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c nvoi -f -a '(__nvoi_complete)'

        """;
}
