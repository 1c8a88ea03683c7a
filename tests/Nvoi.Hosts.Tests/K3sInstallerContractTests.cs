using Nvoi.Hosts.Tests.Contracts;
using Nvoi.Hosts.Tests.Real;
using Nvoi.Sandbox.Hosts;

namespace Nvoi.Hosts.Tests;

public sealed class K3sInstallerOnARealHost
{
    private static string Installer => Path.Combine(AppContext.BaseDirectory, "Real", "Shims", "k3s-installer.sh");

    [Fact]
    public async Task Installs_only_the_pinned_installer_with_nvois_arguments()
    {
        await using var real = await RealHost.StartAsync("app-master-1");
        await using var server = new RealContractHost(real);
        await real.InstallK3sStandInAsync();
        await K3sInstallerContract.InstallsOnlyThePinnedInstallerAsync(server, Installer, real.Address);

        var (_, args, _) = await real.ExecAsync("cat", "/var/lib/nvoi-test/installer-args");
        Assert.Equal(string.Join('\n', "server", "--node-name", "app-master-1", "--node-ip", real.Address, "--advertise-address", real.Address,
            "--tls-san", real.Address, "--flannel-iface", "eth0", "--flannel-backend", "wireguard-native", "--cluster-cidr", "10.42.0.0/16",
            "--service-cidr", "10.43.0.0/16", "--write-kubeconfig-mode", "0600", "--node-label", "nvoi.io/group=master") + "\n", args);
        var (_, env, _) = await real.ExecAsync("cat", "/var/lib/nvoi-test/installer-env");
        Assert.Equal($"INSTALL_K3S_VERSION={Nvoi.Hosts.K3s.Version}\nK3S_URL=\nK3S_TOKEN_FILE=\nuser=root\n", env);
    }
}

public sealed class K3sInstallerOnTheSimulatedHost
{
    [Fact]
    public async Task Installs_only_the_pinned_installer()
    {
        using var server = new SimulatedContractHost();
        var installer = Path.Combine(AppContext.BaseDirectory, "Real", "Shims", "k3s-installer.sh");
        await K3sInstallerContract.InstallsOnlyThePinnedInstallerAsync(server, installer, "10.0.1.2");
        var state = await ((SimulatedHost)server.Host).ReadStateAsync();
        Assert.Equal(1, state.K3sInstallCount);
        Assert.NotNull(state.K3s!.InstallerSha256);
    }
}
