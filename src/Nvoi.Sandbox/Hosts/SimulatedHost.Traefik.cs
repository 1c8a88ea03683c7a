using System.Text.RegularExpressions;
using Nvoi.Hosts;

namespace Nvoi.Sandbox.Hosts;

/// <summary>The k3s service unit and the <c>k3s-traefik</c> script, as on a real server.</summary>
public sealed partial class SimulatedHost
{
    /// <summary>A line that is only the argument <c>--disable=traefik</c> (as the script matches it).</summary>
    private static readonly Regex DisableTraefikLine = new(@"^[ \t]*'?--disable=traefik'?[ \t]*\\?[ \t]*\n", RegexOptions.Multiline);

    /// <summary>The unit the k3s installer writes for a server started with <paramref name="arguments"/> (one a line, quoted).</summary>
    public static string K3sServerUnit(IEnumerable<string> arguments) =>
        "[Unit]\nDescription=Lightweight Kubernetes\nDocumentation=https://k3s.io\nWants=network-online.target\nAfter=network-online.target\n\n" +
        "[Service]\nType=notify\nEnvironmentFile=-/etc/default/%N\nEnvironmentFile=-/etc/sysconfig/%N\nEnvironmentFile=-/etc/systemd/system/k3s.service.env\n" +
        "KillMode=process\nDelegate=yes\nRestart=always\nRestartSec=5s\n" +
        "ExecStart=/usr/local/bin/k3s \\\n    server \\\n" + string.Concat(arguments.Select(a => $"\t'{a}' \\\n")) + "\n";

    /// <summary>Writes a file as root would (a fixture shaping a server as another tool left it).</summary>
    public Task WriteFileAsync(string path, string text, CancellationToken cancellationToken = default) =>
        _store.UpdateAsync(s => { WriteText(s, SimulatedPaths.Normalize(path), text); return Task.FromResult(0); }, cancellationToken);

    /// <summary>True when this server's k3s unit starts k3s without its Traefik.</summary>
    public async Task<bool> IsTraefikDisabledAsync(CancellationToken cancellationToken = default) =>
        await ReadFileAsync(ServerSetup.K3sServiceUnit, cancellationToken).ConfigureAwait(false) is { } unit && DisableTraefikLine.IsMatch(unit);

    private int K3sTraefik(SimulatedHostState s, string mode, string unitPath, CommandOutput o)
    {
        var path = SimulatedPaths.Normalize(unitPath);
        if (ReadText(s, path) is not { } unit)
        {
            if (mode == "check")
            {
                o.Out("traefik: no unit");
                return 0;
            }
            o.Err($"no k3s service unit at {unitPath}");
            return 3;
        }
        var disabled = DisableTraefikLine.IsMatch(unit);
        switch (mode)
        {
            case "check":
                o.Out(disabled ? "traefik: disabled" : "traefik: enabled");
                return 0;
            case "enable" when !disabled:
                o.Out("traefik: enabled");
                return 0;
            case "enable":
                var edited = DisableTraefikLine.Replace(unit, "").Replace("--write-kubeconfig-mode=644", "--write-kubeconfig-mode=0600", StringComparison.Ordinal);
                WriteText(s, path, edited);
                s.K3sRestartCount++;
                o.Out("traefik: enabled now");
                return 0;
            default:
                o.Err($"unknown mode: {mode}");
                return 2;
        }
    }
}
