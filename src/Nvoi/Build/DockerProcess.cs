using CliWrap;
using Nvoi.Operations.Progress;

namespace Nvoi.Build;

/// <summary>Runs one docker command with CliWrap, forwarding its output lines and keeping the last ones.</summary>
internal sealed class DockerProcess(string executable)
{
    public const int TailLines = 20;

    public sealed record Result(int ExitCode, IReadOnlyList<string> Tail);

    public async Task<Result> RunAsync(IReadOnlyList<string> argv, Action<string> onLine, CancellationToken ct)
    {
        var tail = new Queue<string>();
        var gate = new object();
        void Line(string line)
        {
            lock (gate)
            {
                tail.Enqueue(line);
                if (tail.Count > TailLines) tail.Dequeue();
                onLine(line);
            }
        }

        CommandResult result;
        try
        {
            result = await Cli.Wrap(executable)
                .WithArguments(argv)
                .WithEnvironmentVariables(e => e.Set("DOCKER_BUILDKIT", "1"))
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToDelegate(Line))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(Line))
                .ExecuteAsync(ct);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException && !ct.IsCancellationRequested)
        {
            // Not executable, not found, or not a program: the process never started.
            throw new ImageBuildException($"docker could not be started ({executable}): {(ex.InnerException ?? ex).Message}");
        }
        lock (gate) return new Result(result.ExitCode, tail.ToArray());
    }

    public static Action<string> ToProgress(IProgressSink progress, string stepId, TimeProvider time) =>
        line => progress.Report(new ProgressMessage(stepId, MessageLevel.Detail, line) { At = time.GetUtcNow() });
}
