using Nvoi.Hosts;

namespace Nvoi.Hosts.Tests.Contracts;

/// <summary>
/// k3s-traefik on a master whose k3s unit the k3s installer wrote for nvoi 0.2.0's arguments: found disabled,
/// enabled once (the flag gone, the kubeconfig mode 0600, k3s restarted), then found enabled and left alone.
/// </summary>
public static class K3sTraefikContract
{
    /// <summary>The unit as the k3s installer writes it for 0.2.0's `sh -s - server …`, starting <paramref name="program"/>.</summary>
    public static string Unit020(string program) =>
        "[Unit]\nDescription=Lightweight Kubernetes\n\n[Service]\nType=simple\n" +
        $"ExecStart={program} \\\n    server \\\n" +
        "\t'--bind-address=10.0.1.2' \\\n\t'--advertise-address=10.0.1.2' \\\n\t'--flannel-backend=wireguard-native' \\\n" +
        "\t'--disable=traefik' \\\n\t'--write-kubeconfig-mode=644' \\\n\t'--cluster-cidr=10.42.0.0/16' \\\n\t'--service-cidr=10.43.0.0/16' \\\n\n" +
        "[Install]\nWantedBy=multi-user.target\n";

    /// <param name="restarts">How many times k3s has (re)started on the host since the unit was written.</param>
    public static async Task EnablesTraefikOnceAsync(IContractHost server, Func<Task<int>> restarts)
    {
        var host = server.Host;
        Assert.True(await ServerSetup.IsTraefikDisabledAsync(host, "app-master-1"));
        var before = await restarts();

        Assert.True(await ServerSetup.EnableTraefikAsync(host, "app-master-1"));
        Assert.Equal(before + 1, await restarts());
        Assert.True(await ServerSetup.IsK3sActiveAsync(host));
        var unit = (await host.RunAsync(["sudo", "cat", "--", ServerSetup.K3sServiceUnit])).Stdout;
        Assert.DoesNotContain("--disable=traefik", unit);
        Assert.Contains("\t'--write-kubeconfig-mode=0600' \\\n\t'--cluster-cidr=10.42.0.0/16' \\\n", unit);

        // Again, on another connection: nothing to do, k3s not restarted.
        var again = server.Connect();
        Assert.False(await ServerSetup.IsTraefikDisabledAsync(again, "app-master-1"));
        Assert.False(await ServerSetup.EnableTraefikAsync(again, "app-master-1"));
        Assert.Equal(before + 1, await restarts());
    }
}
