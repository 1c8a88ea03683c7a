using System.Security.Cryptography;
using Nvoi.Hosts;
using Nvoi.Remote;

namespace Nvoi.Hosts.Tests.Contracts;

/// <summary>
/// k3s-server with an installer given by path (air-gapped servers): it runs only when its SHA-256 is the pinned
/// one, checked before the upload and again on the server; installs once, does nothing when k3s is active.
/// </summary>
public static class K3sInstallerContract
{
    public static async Task InstallsOnlyThePinnedInstallerAsync(IContractHost server, string installerPath, string privateIp)
    {
        var host = server.Host;
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(installerPath)));
        var wrong = new string('0', 64);
        var spec = new K3sServer(privateIp, "app-master-1") { NodeLabel = "nvoi.io/group=master", ReadyTimeout = TimeSpan.FromSeconds(30) };

        // Refused here: the local file is not the pinned one; nothing is uploaded.
        var local = await Assert.ThrowsAsync<HostSetupException>(() =>
            ServerSetup.InstallK3sServerAsync(host, spec with { Installer = new K3sInstaller(installerPath, wrong) }));
        Assert.Contains($"not the pinned {wrong}", local.Message);
        Assert.False((await host.RunAsync(["test", "-e", K3sInstaller.RemotePath])).Succeeded);

        // Refused on the server too: an installer that changed after the upload never runs.
        await using (var file = File.OpenRead(installerPath)) await host.UploadAsync(file, K3sInstaller.RemotePath);
        var result = await host.RunScriptAsync(HostScripts.Text(HostScripts.K3sServer),
            [privateIp, "app-master-1", K3s.Version, "30", "", K3sInstaller.RemotePath, wrong]);
        Assert.Equal(8, result.ExitCode);
        Assert.Contains($"not the pinned {wrong}; not running it", result.Stderr);
        Assert.False(await ServerSetup.IsK3sActiveAsync(host));
        Assert.False((await host.RunAsync(["test", "-e", K3sInstaller.RemotePath])).Succeeded);

        Assert.True(await ServerSetup.InstallK3sServerAsync(host, spec with { Installer = new K3sInstaller(installerPath, sha.ToUpperInvariant()) }));
        Assert.True(await ServerSetup.IsK3sActiveAsync(host));
        Assert.False((await host.RunAsync(["test", "-e", K3sInstaller.RemotePath])).Succeeded);
        Assert.Contains("localhost:30500", (await host.RunAsync(["sudo", "cat", K3s.RegistriesPath])).Stdout);
        Assert.False(await ServerSetup.InstallK3sServerAsync(server.Connect(), spec with { Installer = new K3sInstaller(installerPath, sha) }));
    }
}
