using System.Text;
using k8s;
using Nvoi.Http;

namespace Nvoi.Cluster;

/// <summary>Builds KubernetesClient instances for a k3s master (through a forwarded port) or the sandbox emulator.</summary>
public static class KubeClientFactory
{
    /// <summary>
    /// A client from the k3s kubeconfig text (the master's /etc/rancher/k3s/k3s.yaml) whose API port is
    /// forwarded to <paramref name="localPort"/>: the server becomes https://127.0.0.1:PORT (k3s's certificate
    /// names 127.0.0.1), the CA and client certificate stay as they are.
    /// </summary>
    /// <remarks>With <paramref name="time"/>, requests go through <see cref="RetryHandler"/> (429 always, 5xx for reads and deletes).</remarks>
    public static IKubernetes FromK3sKubeconfig(string kubeconfigYaml, int localPort, TimeProvider? time = null, RetryOptions? retry = null) =>
        Create(ConfigFromK3s(kubeconfigYaml, localPort), time, retry);

    /// <summary>The client configuration <see cref="FromK3sKubeconfig"/> uses.</summary>
    public static KubernetesClientConfiguration ConfigFromK3s(string kubeconfigYaml, int localPort)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(localPort);
        k8s.KubeConfigModels.K8SConfiguration config;
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(kubeconfigYaml));
            config = KubernetesClientConfiguration.LoadKubeConfig(stream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new NvoiException("the k3s kubeconfig from the master could not be read", e);
        }
        if (config.Clusters is null || !config.Clusters.Any())
            throw new NvoiException("the k3s kubeconfig from the master has no cluster");
        foreach (var cluster in config.Clusters)
            cluster.ClusterEndpoint.Server = $"https://127.0.0.1:{localPort}";
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config);
    }

    /// <summary>A client for a plain http API URL (the sandbox emulator): no TLS, no credentials.</summary>
    public static IKubernetes ForUrl(Uri url, TimeProvider? time = null, RetryOptions? retry = null) =>
        Create(new KubernetesClientConfiguration { Host = url.ToString().TrimEnd('/') }, time, retry);

    private static IKubernetes Create(KubernetesClientConfiguration config, TimeProvider? time, RetryOptions? retry) =>
        time is null
            ? new k8s.Kubernetes(config)
            // The client chains its own transport under the handler (replacing the placeholder inner handler).
            : new k8s.Kubernetes(config, new RetryHandler(new HttpClientHandler(), time, retry));
}
