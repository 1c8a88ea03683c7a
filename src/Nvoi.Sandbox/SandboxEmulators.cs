using Nvoi.Sandbox.Emulation;

namespace Nvoi.Sandbox;

/// <summary>Every emulator `nvoi sandbox serve` starts, each under its key.</summary>
public static class SandboxEmulators
{
    public static IReadOnlyList<IEmulator> Create(EmulatorOptions options) =>
    [
        // one line per emulator, e.g. new Hetzner.HetznerEmulator(options),
        new Kubernetes.KubernetesEmulator(options),
    ];
}
