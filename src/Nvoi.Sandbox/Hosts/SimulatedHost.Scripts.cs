using System.Globalization;
using System.Security.Cryptography;
using Nvoi.Hosts;

namespace Nvoi.Sandbox.Hosts;

public sealed partial class SimulatedHost
{
    private const string Registries = "mirrors:\n  \"localhost:30500\":\n    endpoint:\n      - \"http://localhost:30500\"\n";

    private async Task<int> RunScriptAsync(string? name, string[] a, CommandOutput o, CancellationToken cancellationToken)
    {
        var joinAccepted = true;
        if (name == HostScripts.K3sAgent && a.Length is 6 or 7 or 9 && JoinValidator is { } validate)
        {
            var token = await ReadFileAsync(a[1], cancellationToken).ConfigureAwait(false);
            joinAccepted = token is not null && await validate(a[0], token.Trim(), cancellationToken).ConfigureAwait(false);
        }
        Func<SimulatedHostState, int>? effect = name switch
        {
            HostScripts.CloudInitWait => s => CloudInitWait(s, o),
            HostScripts.MountVolume when a.Length == 3 => s => MountVolume(s, a[0], a[1], a[2], o),
            HostScripts.K3sServer when a.Length is 4 or 5 or 7 => s => K3sServer(s, a[0], a[1], a[2], Label(a.ElementAtOrDefault(4)),
                Installer(a, 5), o),
            HostScripts.K3sAgent when a.Length is 6 or 7 or 9 => s => K3sAgent(s, a[0], a[1], a[2], a[3], a[4], a[5], Label(a.ElementAtOrDefault(6)),
                Installer(a, 7), joinAccepted, o),
            HostScripts.K3sTraefik when a.Length == 4 => s => K3sTraefik(s, a[0], a[1], o),
            HostScripts.DeployLock when a.Length >= 2 => s => DeployLock(s, a, o),
            HostScripts.PruneImages when a.Length >= 2 => s => PruneImages(s, a[0], int.Parse(a[1], CultureInfo.InvariantCulture), a[2..], o),
            _ => DatabaseEffect(name, a, o),
        };
        if (effect is null)
        {
            o.Err(name is null ? "sandbox: sh: script without an nvoi-script line: not simulated"
                : $"sandbox: {name} ({a.Length} arguments): not simulated");
            return 127;
        }
        return await _store.UpdateAsync(s => Task.FromResult(effect(s)), cancellationToken).ConfigureAwait(false);
    }

    private static int CloudInitWait(SimulatedHostState s, CommandOutput o)
    {
        if (!s.CloudInitDone)
        {
            o.Err("cloud-init: failed (exit 1): status: error");
            return 4;
        }
        o.Out("cloud-init: done");
        return 0;
    }

    private int MountVolume(SimulatedHostState s, string device, string mountPath, string waitSeconds, CommandOutput o)
    {
        if (!_attachedDevices().Contains(device, StringComparer.Ordinal))
        {
            o.Err($"device {device} did not appear within {waitSeconds}s");
            return 3;
        }
        var formatted = false;
        if (!s.Filesystems.TryGetValue(device, out var fs))
        {
            fs = new SimulatedFilesystem("xfs", Guid.NewGuid().ToString());
            s.Filesystems[device] = fs;
            s.FormatCount[device] = s.FormatCount.GetValueOrDefault(device) + 1;
            formatted = true;
        }
        o.Out("formatted: " + (formatted ? "yes" : "no"));
        var mount = SimulatedPaths.Normalize(mountPath);
        MakeDirectories(s, mount);
        var fstab = ReadText(s, "/etc/fstab") ?? "";
        if (!fstab.Split('\n').Any(l => l.StartsWith($"UUID={fs.Uuid} ", StringComparison.Ordinal) || l.StartsWith($"UUID={fs.Uuid}\t", StringComparison.Ordinal)))
        {
            WriteText(s, "/etc/fstab", fstab + $"UUID={fs.Uuid} {mountPath} xfs defaults,nofail 0 2\n");
        }
        s.Mounts[mount] = device;
        o.Out($"mounted: {device} {mountPath} {fs.Uuid}");
        return 0;
    }

    private static string? Label(string? argument) => string.IsNullOrEmpty(argument) ? null : argument;

    private static (string Path, string Sha256)? Installer(string[] a, int at) =>
        a.Length > at + 1 && a[at].Length > 0 ? (a[at], a[at + 1]) : null;

    // The uploaded installer, as the scripts check it: its SHA-256 must be the pinned one (exit 8), and it is consumed.
    private int? CheckInstaller(SimulatedHostState s, (string Path, string Sha256)? installer, CommandOutput o)
    {
        if (installer is not { } given) return null;
        var path = SimulatedPaths.Normalize(given.Path);
        var actual = ReadBytes(s, path) is { } bytes ? Sha256(bytes) : null;
        DeleteFile(s, path);
        if (actual == given.Sha256) return null;
        o.Err($"the k3s installer's SHA-256 is {actual}, not the pinned {given.Sha256}; not running it");
        return 8;
    }

    private int K3sServer(SimulatedHostState s, string privateIp, string nodeName, string version, string? nodeLabel,
        (string Path, string Sha256)? installer, CommandOutput o)
    {
        if (s.ActiveServices.Contains("k3s"))
        {
            o.Out("k3s: already active");
            return 0;
        }
        o.Out("private interface: enp7s0");
        WriteText(s, K3s.RegistriesPath, Registries);
        if (CheckInstaller(s, installer, o) is { } refused) return refused;
        WriteText(s, K3s.KubeconfigPath, _kubeconfig?.Invoke() ?? DefaultKubeconfig);
        WriteText(s, ServerSetup.K3sServiceUnit, K3sServerUnit([$"--node-name={nodeName}", $"--node-ip={privateIp}", $"--advertise-address={privateIp}",
            $"--tls-san={privateIp}", "--flannel-iface=enp7s0", "--flannel-backend=wireguard-native", "--cluster-cidr=10.42.0.0/16",
            "--service-cidr=10.43.0.0/16", "--write-kubeconfig-mode=0600"]));
        if (ReadText(s, K3s.NodeTokenPath) is null)
        {
            var token = "K10" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "::server:" +
                Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            WriteText(s, K3s.NodeTokenPath, token + "\n");
        }
        s.ActiveServices.Add("k3s");
        s.K3s = new SimulatedK3sNode("server", nodeName, privateIp, version, null) { NodeLabel = nodeLabel, InstallerSha256 = installer?.Sha256 };
        s.K3sInstallCount++;
        o.Out("k3s: installed");
        return 0;
    }

    private int K3sAgent(SimulatedHostState s, string serverIp, string tokenFile, string privateIp, string nodeName, string version,
        string waitSeconds, string? nodeLabel, (string Path, string Sha256)? installer, bool joinAccepted, CommandOutput o)
    {
        var tokenPath = SimulatedPaths.Normalize(tokenFile);
        if (s.ActiveServices.Contains("k3s-agent"))
        {
            DeleteFile(s, tokenPath);
            o.Out("k3s-agent: already active");
            return 0;
        }
        o.Out("private interface: enp7s0");
        if (!s.Files.ContainsKey(tokenPath))
        {
            o.Err($"install: cannot stat '{tokenFile}': No such file or directory");
            return 1;
        }
        MoveFile(s, tokenPath, K3s.AgentTokenPath);
        WriteText(s, K3s.RegistriesPath, Registries);
        if (CheckInstaller(s, installer, o) is { } refused) return refused;
        if (!joinAccepted)
        {
            // The real agent service keeps failing to register with a wrong token or no server.
            o.Err($"k3s-agent on {nodeName} was not active within {waitSeconds}s");
            return 7;
        }
        s.ActiveServices.Add("k3s-agent");
        s.K3s = new SimulatedK3sNode("agent", nodeName, privateIp, version, serverIp) { NodeLabel = nodeLabel, InstallerSha256 = installer?.Sha256 };
        s.K3sInstallCount++;
        o.Out("k3s-agent: joined");
        return 0;
    }

    private int DeployLock(SimulatedHostState s, string[] a, CommandOutput o)
    {
        var path = SimulatedPaths.Normalize(a[1]);
        var current = ReadText(s, path);
        switch (a[0])
        {
            case "read":
                o.Out(current is null ? "lock: none" : "lock: present");
                if (current is not null) o.Write(current);
                return 0;
            case "release" when a.Length == 3 && a[2].Length > 0 && current is not null && current.TrimEnd('\n') != a[2]:
                o.Out("lock: not-ours");
                o.Out(current.TrimEnd('\n'));
                return 0;
            case "release":
                o.Out(DeleteFile(s, path) ? "lock: released" : "lock: absent");
                return 0;
            case "acquire" when a.Length is 5 or 6:
                if (!IsDirectory(s, SimulatedPaths.Parent(path)))
                {
                    o.Err($"sh: cannot create {a[1]}.guard: Directory nonexistent");
                    return 2;
                }
                var content = a[4] + "\n";
                if (current is null)
                {
                    WriteText(s, path, content);
                    o.Out("lock: acquired");
                    return 0;
                }
                // The script's rules: the exact text the caller proved dead, else a lock naming a process is held,
                // else 0.2.0's age rule (a lock without a timestamp is free).
                var trimmed = current.TrimEnd('\n');
                var existing = LockInfo.Parse(current);
                string status;
                if (a.Length == 6 && a[5].Length > 0 && trimmed == a[5]) status = "replaced-dead";
                else if (current.Split('\n').Any(l => l.Length > 4 && l.StartsWith("pid=", StringComparison.Ordinal) && l[4] is >= '1' and <= '9')) status = "held";
                else if (existing is { } e && long.Parse(a[2], CultureInfo.InvariantCulture) - e.Since.ToUnixTimeSeconds() < long.Parse(a[3], CultureInfo.InvariantCulture)) status = "held";
                else status = "replaced-stale";
                o.Out("lock: " + status);
                o.Out(trimmed);
                if (status != "held") WriteText(s, path, content);
                return 0;
            default:
                o.Err($"unknown action: {a[0]}");
                return 2;
        }
    }

    private static int PruneImages(SimulatedHostState s, string repository, int keep, string[] alsoKeep, CommandOutput o)
    {
        var prefix = repository + ":";
        var candidates = s.Images
            .Where(r => r.StartsWith(prefix, StringComparison.Ordinal) && r[prefix.Length..] != "latest")
            .OrderByDescending(r => r, StringComparer.Ordinal)
            .Skip(keep)
            .Where(r => !s.ImagesInUse.Contains(r) && !alsoKeep.Contains(r))
            .ToList();
        foreach (var r in candidates)
        {
            s.Images.Remove(r);
            o.Out("removed: " + r);
        }
        return 0;
    }

    private const string DefaultKubeconfig =
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: default\n" +
        "contexts:\n- context:\n    cluster: default\n    user: default\n  name: default\ncurrent-context: default\n" +
        "users:\n- name: default\n  user:\n    token: sandbox\n";
}
