using System.Text.Json.Serialization;
using Nvoi.Operations;
using Nvoi.Operations.Progress;

namespace Nvoi.Cli.Rendering;

internal sealed record PlanActionJson(string Action, string Kind, string Name, string Reason);
internal sealed record PlanSummaryJson(int Create, int Update, int Delete);
internal sealed record PlanDocumentJson(IReadOnlyList<PlanActionJson> Actions, PlanSummaryJson Summary);

internal sealed record StepStartedJson(string Type, string Id, string? Parent, string Title, DateTimeOffset At);
internal sealed record StepFinishedJson(string Type, string Id, string? Detail, DateTimeOffset At);
internal sealed record StepFailedJson(string Type, string Id, string Error, DateTimeOffset At);
internal sealed record MessageJson(string Type, string? Step, string Level, string Text, DateTimeOffset At);
internal sealed record PlanEventJson(string Type, IReadOnlyList<PlanActionJson> Actions, PlanSummaryJson Summary, DateTimeOffset At);
internal sealed record CompletedJson(string Type, IReadOnlyList<string> Urls, DateTimeOffset At);

/// <summary>Source-generated (AOT-friendly) serializers for the JSON output of progress and plans.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PlanDocumentJson))]
[JsonSerializable(typeof(StepStartedJson))]
[JsonSerializable(typeof(StepFinishedJson))]
[JsonSerializable(typeof(StepFailedJson))]
[JsonSerializable(typeof(MessageJson))]
[JsonSerializable(typeof(PlanEventJson))]
[JsonSerializable(typeof(CompletedJson))]
internal sealed partial class ProgressJsonContext : JsonSerializerContext;

internal static class ProgressJson
{
    public static IReadOnlyList<PlanActionJson> Actions(Plan plan) =>
        plan.Actions.Select(a => new PlanActionJson(PlanPrinter.ActionName(a.Action), a.Kind, a.Name, a.Reason)).ToArray();

    public static PlanSummaryJson Summary(Plan plan) =>
        new(plan.Count(PlanActionKind.Create), plan.Count(PlanActionKind.Update), plan.Count(PlanActionKind.Delete));

    public static PlanDocumentJson PlanDocument(Plan plan) => new(Actions(plan), Summary(plan));
}
