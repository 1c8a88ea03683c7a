using System.Globalization;

namespace Nvoi.Sandbox.Kubernetes;

/// <summary>
/// The emulator's settings (EmulatorOptions.Settings): <c>kubernetes.crashloop_images</c>,
/// <c>kubernetes.failing_job_images</c>, <c>kubernetes.unpullable_images</c> (comma-separated images, or
/// repositories without a tag), <c>kubernetes.start_delay_seconds</c> (how long a container takes to start;
/// 0 by default) and <c>kubernetes.nodes</c> (<c>name=group,...</c>; without it one node takes every pod).
/// </summary>
internal sealed record KubeSettings(
    IReadOnlyList<string> CrashLoopImages,
    IReadOnlyList<string> FailingJobImages,
    IReadOnlyList<string> UnpullableImages,
    TimeSpan StartDelay,
    IReadOnlyList<(string Name, string Group)> Nodes)
{
    public static KubeSettings From(IReadOnlyDictionary<string, string> settings)
    {
        IReadOnlyList<string> List(string key) => settings.TryGetValue("kubernetes." + key, out var v)
            ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        var delay = settings.TryGetValue("kubernetes.start_delay_seconds", out var d) ? TimeSpan.FromSeconds(double.Parse(d, CultureInfo.InvariantCulture)) : TimeSpan.Zero;
        var nodes = List("nodes").Select(n => n.Split('=', 2)).Select(p => (p[0], p.Length > 1 ? p[1] : "")).ToList();
        return new KubeSettings(List("crashloop_images"), List("failing_job_images"), List("unpullable_images"), delay, nodes);
    }

    public static bool Matches(IReadOnlyList<string> images, string? image) =>
        image is not null && images.Any(i => image == i || (!HasTag(i) && image.StartsWith(i + ":", StringComparison.Ordinal)));

    private static bool HasTag(string image) => image.LastIndexOf(':') > image.LastIndexOf('/');
}
