using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>The labels nvoi puts on every object it manages, and the selectors that find them again.</summary>
public static class ClusterLabels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Instance = "app.kubernetes.io/instance";
    public const string ManagerValue = "nvoi";
    /// <summary>The pod label 0.2.0 selects workloads with (<c>app=A-S</c>).</summary>
    public const string App = "app";
    public const string Namespace = "default";
    /// <summary>The server-side apply field manager.</summary>
    public const string FieldManager = "nvoi";

    /// <summary><c>app.kubernetes.io/managed-by=nvoi,app.kubernetes.io/instance=A</c>.</summary>
    public static string Selector(string app) => $"{ManagedBy}={ManagerValue},{Instance}={app}";

    internal static Dictionary<string, string> Common(string app) => new()
    {
        [ManagedBy] = ManagerValue,
        [Instance] = app,
    };

    internal static Dictionary<string, string> ForPods(string app, string podLabel)
    {
        var labels = Common(app);
        labels[App] = podLabel;
        return labels;
    }

    internal static V1ObjectMeta Meta(string app, string name, IDictionary<string, string>? extra = null)
    {
        var labels = Common(app);
        if (extra is not null) foreach (var (k, v) in extra) labels[k] = v;
        return new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = labels };
    }
}
