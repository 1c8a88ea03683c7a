namespace Nvoi.Operations.Progress;

/// <summary>Runs a piece of work as a reported step: started, then finished with a detail or failed with its error.</summary>
public sealed class StepRunner(IProgressSink sink, TimeProvider time)
{
    public IProgressSink Sink => sink;

    public async Task<T> RunAsync<T>(string id, string? parentId, string title, Func<Task<StepOutcome<T>>> body)
    {
        Report(new StepStarted(id, parentId, title));
        try
        {
            var outcome = await body();
            Report(new StepFinished(id, outcome.Detail));
            return outcome.Value;
        }
        catch (Exception e)
        {
            Report(new StepFailed(id, OneLine(e)));
            throw;
        }
    }

    public Task RunAsync(string id, string? parentId, string title, Func<Task<string?>> body) =>
        RunAsync(id, parentId, title, async () => new StepOutcome<bool>(true, await body()));

    public void Message(string? stepId, string text, MessageLevel level = MessageLevel.Info) =>
        Report(new ProgressMessage(stepId, level, text));

    public void Report(ProgressEvent e) => sink.Report(e with { At = time.GetUtcNow() });

    private static string OneLine(Exception e) =>
        (e is OperationCanceledException ? "cancelled" : e.Message).Split('\n')[0];
}

public readonly record struct StepOutcome<T>(T Value, string? Detail);
