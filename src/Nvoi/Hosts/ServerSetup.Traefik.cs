using Nvoi.Remote;

namespace Nvoi.Hosts;

public static partial class ServerSetup
{
    /// <summary>The k3s server's service unit, where the k3s installer writes its arguments.</summary>
    public const string K3sServiceUnit = "/etc/systemd/system/k3s.service";

    /// <summary>How long <see cref="EnableTraefikAsync"/> waits for the node to be Ready after restarting k3s.</summary>
    public static readonly TimeSpan TraefikRestartWait = TimeSpan.FromMinutes(5);

    /// <summary>
    /// True when the master's k3s runs without its bundled Traefik (<c>--disable=traefik</c>, as nvoi 0.2.0
    /// installed it), or its unit was changed after k3s started. Changes nothing.
    /// </summary>
    public static async Task<bool> IsTraefikDisabledAsync(IRemoteHost master, string nodeName, CancellationToken cancellationToken = default)
    {
        RequireWord(nodeName, nameof(nodeName));
        var result = await RunScriptAsync(master, HostScripts.K3sTraefik, "check traefik",
            ["check", K3sServiceUnit, nodeName, "0"], null, cancellationToken).ConfigureAwait(false);
        return Value(result.Stdout, "traefik: ") == "disabled";
    }

    /// <summary>
    /// Removes <c>--disable=traefik</c> from the k3s unit and restarts k3s (which then deploys Traefik), waiting
    /// until the node is Ready again. Returns true when it restarted k3s now, false when Traefik was enabled.
    /// </summary>
    public static async Task<bool> EnableTraefikAsync(IRemoteHost master, string nodeName, CancellationToken cancellationToken = default)
    {
        RequireWord(nodeName, nameof(nodeName));
        var result = await RunScriptAsync(master, HostScripts.K3sTraefik, "enable traefik",
            ["enable", K3sServiceUnit, nodeName, Seconds(TraefikRestartWait)], null, cancellationToken,
            TraefikRestartWait + ScriptSlack).ConfigureAwait(false);
        return Value(result.Stdout, "traefik: ") == "enabled now";
    }
}
