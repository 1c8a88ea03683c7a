using Nvoi.Hosts.Tests.Contracts;
using Nvoi.Hosts.Tests.Real;
using Nvoi.Sandbox.Hosts;

namespace Nvoi.Hosts.Tests;

public sealed class K3sTraefikOnARealHost
{
    [Fact]
    public async Task Enables_traefik_on_a_k3s_unit_made_for_nvoi_020_once()
    {
        await using var real = await RealHost.StartAsync("app-master-1");
        await using var server = new RealContractHost(real);
        await real.InstallK3sStandInAsync();
        // The k3s process stands in as a shell that sleeps; systemd runs the unit with 0.2.0's arguments.
        await WriteAsync(real, Nvoi.Hosts.ServerSetup.K3sServiceUnit, K3sTraefikContract.Unit020("/bin/sh -c 'exec sleep infinity'"));
        await OkAsync(real, "sh", "-c", "systemctl daemon-reload && systemctl enable --now k3s");
        // Each start of k3s is a new main process.
        var pids = new HashSet<string>();
        await K3sTraefikContract.EnablesTraefikOnceAsync(server, async () =>
        {
            pids.Add((await real.ExecAsync("systemctl", "show", "-p", "MainPID", "--value", "k3s")).Stdout.Trim());
            return pids.Count - 1;
        });
    }

    [Fact]
    public async Task A_unit_changed_after_k3s_started_counts_as_disabled_until_k3s_restarts()
    {
        // A deploy stopped between editing the unit and restarting k3s: the running k3s has no Traefik yet.
        await using var real = await RealHost.StartAsync("app-master-1");
        await real.InstallK3sStandInAsync();
        var unit = K3sTraefikContract.Unit020("/bin/sh -c 'exec sleep infinity'").Replace("\t'--disable=traefik' \\\n", "", StringComparison.Ordinal);
        await WriteAsync(real, Nvoi.Hosts.ServerSetup.K3sServiceUnit, unit);
        await OkAsync(real, "sh", "-c", "systemctl daemon-reload && systemctl enable --now k3s");
        Assert.False(await Nvoi.Hosts.ServerSetup.IsTraefikDisabledAsync(real.Host, "app-master-1"));
        // Edited a minute after k3s started (a date set, not waited for).
        await OkAsync(real, "sh", "-c", $"touch -d \"$(date -d '+1 minute')\" {Nvoi.Hosts.ServerSetup.K3sServiceUnit}");
        Assert.True(await Nvoi.Hosts.ServerSetup.IsTraefikDisabledAsync(real.Host, "app-master-1"));
        Assert.True(await Nvoi.Hosts.ServerSetup.EnableTraefikAsync(real.Host, "app-master-1"));
        var (_, text, _) = await real.ExecAsync("cat", Nvoi.Hosts.ServerSetup.K3sServiceUnit);
        Assert.Equal(unit.Replace("--write-kubeconfig-mode=644", "--write-kubeconfig-mode=0600", StringComparison.Ordinal), text);
        Assert.False(await Nvoi.Hosts.ServerSetup.IsTraefikDisabledAsync(real.Host, "app-master-1"));
    }

    private static async Task WriteAsync(RealHost real, string path, string text)
    {
        var local = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(local, text);
            await Tool.OkAsync("docker", "cp", local, $"{real.Container}:{path}");
            await OkAsync(real, "chmod", "644", path);
        }
        finally
        {
            File.Delete(local);
        }
    }

    private static async Task OkAsync(RealHost real, params string[] argv)
    {
        var (code, _, stderr) = await real.ExecAsync(argv);
        Assert.True(code == 0, $"{string.Join(' ', argv)}: {stderr}");
    }
}

public sealed class K3sTraefikOnTheSimulatedHost
{
    [Fact]
    public async Task Enables_traefik_on_a_k3s_unit_made_for_nvoi_020_once()
    {
        using var server = new SimulatedContractHost();
        var host = (SimulatedHost)server.Host;
        await host.WriteFileAsync(Nvoi.Hosts.ServerSetup.K3sServiceUnit, K3sTraefikContract.Unit020("/usr/local/bin/k3s"));
        await host.UpdateStateAsync(s => s.ActiveServices.Add("k3s"));
        await K3sTraefikContract.EnablesTraefikOnceAsync(server, async () => (await host.ReadStateAsync()).K3sRestartCount);
    }
}
