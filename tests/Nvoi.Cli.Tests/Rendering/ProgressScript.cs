using Microsoft.Extensions.Time.Testing;
using Nvoi.Operations;
using Nvoi.Operations.Progress;

namespace Nvoi.Cli.Tests.Rendering;

/// <summary>A scripted run: a plan, two parallel steps under a parent (one fails), messages, URLs.</summary>
internal static class ProgressScript
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 19, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider NewTime() => new(T0);

    public static Plan Plan { get; } = new(
    [
        new PlannedAction(PlanActionKind.Create, "server", "myapp-master-1", "not found"),
        new PlannedAction(PlanActionKind.Update, "deployment", "myapp-web", "image changed"),
        new PlannedAction(PlanActionKind.None, "network", "myapp-network", "exists"),
        new PlannedAction(PlanActionKind.Delete, "volume", "myapp-old", "no longer in config"),
    ]);

    private static T At<T>(T e, double seconds) where T : ProgressEvent => e with { At = T0.AddMilliseconds(Math.Round(seconds * 1000)) };

    public static IReadOnlyList<ProgressEvent> Events { get; } =
    [
        At(new PlanComputed(Plan), 0.0),
        At(new StepStarted("infra", null, "Infrastructure"), 0.1),
        At(new StepStarted("servers", "infra", "servers"), 0.2),
        At(new StepStarted("volumes", "infra", "volumes"), 0.2),
        At(new ProgressMessage("servers", MessageLevel.Detail, "creating myapp-master-1"), 0.5),
        At(new ProgressMessage("volumes", MessageLevel.Info, "attaching myapp-data"), 0.7),
        At(new StepFinished("servers", "created 3"), 2.3),
        At(new ProgressMessage(null, MessageLevel.Warning, "server type cx22 is deprecated"), 2.4),
        At(new StepFailed("volumes", "volume myapp-data did not attach"), 3.0),
        At(new StepFailed("infra", "1 step failed"), 3.1),
        At(new RunCompleted(["https://app.example.com", "https://api.example.com"]), 3.2),
    ];
}
