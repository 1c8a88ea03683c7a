using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Nvoi.Cluster;

/// <summary>A Traefik <c>Middleware</c> (traefik.io/v1alpha1), the CRD k3s's bundled Traefik installs.</summary>
public sealed class TraefikMiddleware : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "traefik.io";
    public const string Version = "v1alpha1";
    public const string Plural = "middlewares";

    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = $"{Group}/{Version}";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "Middleware";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public TraefikMiddlewareSpec Spec { get; set; } = new();
}

public sealed class TraefikMiddlewareSpec
{
    [JsonPropertyName("errors")] public TraefikErrorsSpec? Errors { get; set; }
}

/// <summary>The <c>errors</c> middleware: answers listed statuses with a page from <see cref="Service"/>.</summary>
public sealed class TraefikErrorsSpec
{
    [JsonPropertyName("status")] public List<string> Status { get; set; } = [];
    [JsonPropertyName("query")] public string Query { get; set; } = "/{status}.html";
    [JsonPropertyName("service")] public TraefikServiceRef Service { get; set; } = new();
}

public sealed class TraefikServiceRef
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("port")] public int Port { get; set; }
}
