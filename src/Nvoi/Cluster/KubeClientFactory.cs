using System.Text;
using k8s;

namespace Nvoi.Cluster;

/// <summary>Builds KubernetesClient instances for a k3s master (through a forwarded port) or the sandbox emulator.</summary>
public static class KubeClientFactory
{
    /// <summary>
    /// A client from the k3s kubeconfig text (the master's /etc/rancher/k3s/k3s.yaml) whose API port is
    /// forwarded to <paramref name="localPort"/>: the server becomes https://127.0.0.1:PORT (k3s's certificate
    /// names 127.0.0.1), the CA and client certificate stay as they are.
    /// </summary>
    public static IKubernetes FromK3sKubeconfig(string kubeconfigYaml, int localPort) =>
        new k8s.Kubernetes(ConfigFromK3s(kubeconfigYaml, localPort));

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
    public static IKubernetes ForUrl(Uri url) =>
        new k8s.Kubernetes(new KubernetesClientConfiguration { Host = url.ToString().TrimEnd('/') });
}
