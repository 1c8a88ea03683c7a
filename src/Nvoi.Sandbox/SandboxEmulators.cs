using Nvoi.Sandbox.Emulation;

namespace Nvoi.Sandbox;

/// <summary>Every emulator `nvoi sandbox serve` starts, each under its key.</summary>
public static class SandboxEmulators
{
    public static IReadOnlyList<IEmulator> Create(EmulatorOptions options) =>
    [
        new Hetzner.HetznerEmulator(options),
        new Cloudflare.CloudflareEmulator(options),
        new Scaleway.ScalewayEmulator(options),
        new Aws.Ec2Emulator(options),
        new Kubernetes.KubernetesEmulator(options),
    ];
}
