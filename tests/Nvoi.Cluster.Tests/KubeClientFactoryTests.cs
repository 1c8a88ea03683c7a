using k8s;
using Nvoi.Cluster;

namespace Nvoi.Cluster.Tests;

public class KubeClientFactoryTests
{
    // The shape of /etc/rancher/k3s/k3s.yaml (the data fields are placeholders, not real keys).
    private const string K3sYaml = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: Q0EtREFUQQ==
            server: https://127.0.0.1:6443
          name: default
        contexts:
        - context:
            cluster: default
            user: default
          name: default
        current-context: default
        kind: Config
        preferences: {}
        users:
        - name: default
          user:
            client-certificate-data: Q0xJRU5ULUNFUlQ=
            client-key-data: Q0xJRU5ULUtFWQ==
        """;

    [Fact]
    public void The_k3s_kubeconfig_is_pointed_at_the_forwarded_port_keeping_its_tls_data()
    {
        var config = KubeClientFactory.ConfigFromK3s(K3sYaml, 41234);
        Assert.Equal("https://127.0.0.1:41234", config.Host.TrimEnd('/'));
        Assert.Equal("Q0xJRU5ULUNFUlQ=", config.ClientCertificateData);
        Assert.Equal("Q0xJRU5ULUtFWQ==", config.ClientCertificateKeyData);
        Assert.False(config.SkipTlsVerify);
    }

    [Fact]
    public void A_kubeconfig_that_is_not_one_is_a_clear_error()
    {
        var e = Assert.Throws<NvoiException>(() => KubeClientFactory.ConfigFromK3s("clusters: []\nkind: Config\n", 6443));
        Assert.Equal("the k3s kubeconfig from the master has no cluster", e.Message);
    }

    [Fact]
    public async Task A_plain_http_url_reaches_the_sandbox()
    {
        await using var k = await KubeSandbox.StartAsync();
        var client = KubeClientFactory.ForUrl(k.Host.BaseUrl);
        var ns = await client.CoreV1.ListNamespaceAsync();
        Assert.Contains(ns.Items, n => n.Metadata.Name == "default");
    }
}
