using System.Security.Cryptography;
using Nvoi.Hosts;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>application.k3s.installer: deploy installs k3s with the pinned installer file instead of downloading it.</summary>
public class K3sInstallerDeployTests
{
    [Fact]
    public async Task Deploy_installs_k3s_with_the_pinned_installer_and_refuses_another_file()
    {
        using var project = new SandboxProject("hetzner-postgres");
        var installer = project.Run.PathOf("vendor/k3s-install.sh");
        Directory.CreateDirectory(Path.GetDirectoryName(installer)!);
        File.WriteAllText(installer, "#!/bin/sh\n# a saved copy of https://get.k3s.io\n");
        var pinned = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(installer)));
        var original = project.ConfigText;

        // A pin that is not the file's: the deploy stops at k3s, naming the file and both digests.
        var wrong = new string('0', 64);
        project.ConfigText = original + $"  k3s:\n    installer:\n      path: vendor/k3s-install.sh\n      sha256: {wrong}\n";
        var refused = await Assert.ThrowsAsync<HostSetupException>(() => EngineHarness.DeployAsync(project));
        Assert.Contains($"{installer} has SHA-256 {pinned}, not the pinned {wrong}", refused.Message);

        project.ConfigText = original + $"  k3s:\n    installer:\n      path: vendor/missing.sh\n      sha256: {pinned}\n";
        var missing = await Assert.ThrowsAsync<Nvoi.Configuration.ConfigException>(() => EngineHarness.DeployAsync(project));
        Assert.Contains("application.k3s.installer.path", missing.Message);
        Assert.Contains("no file at " + project.Run.PathOf("vendor/missing.sh"), missing.Message);

        project.ConfigText = original + $"  k3s:\n    installer:\n      path: vendor/k3s-install.sh\n      sha256: {pinned}\n";
        await EngineHarness.DeployAsync(project);
        var config = EngineHarness.Config(project);
        await using var world = await EngineHarness.WorldAsync(project, config);
        var master = await world.HostByName("shop-master-1").ReadStateAsync();
        Assert.Equal(pinned, master.K3s!.InstallerSha256);
        Assert.Equal(1, master.K3sInstallCount);
    }
}
