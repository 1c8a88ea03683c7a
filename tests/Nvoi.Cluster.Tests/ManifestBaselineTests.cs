using System.Runtime.CompilerServices;
using k8s;
using Nvoi.Cluster;

namespace Nvoi.Cluster.Tests;

/// <summary>Every manifest of every example config against its checked-in YAML (set NVOI_UPDATE_BASELINES=1 to rewrite).</summary>
public class ManifestBaselineTests
{
    public static TheoryData<string> ExampleNames => new(Examples.All.Keys);

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void Manifests_match_the_baseline(string example)
    {
        var manifests = ManifestBuilder.Build(Examples.Inputs(Examples.All[example]()));
        var actual = Render(manifests);
        var path = Path.Combine(SourceDir(), "Expected", example + ".yaml");
        if (Environment.GetEnvironmentVariable("NVOI_UPDATE_BASELINES") == "1") File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"missing baseline {path}");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    public static string Render(ClusterManifests manifests) =>
        string.Join("---\n", manifests.All.Select(o => KubernetesYaml.Serialize(o).TrimEnd('\n') + "\n"));

    private static string SourceDir([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
