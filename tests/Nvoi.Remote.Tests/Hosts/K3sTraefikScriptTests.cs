using Nvoi.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>
/// The real k3s-traefik script with stub sudo/systemctl/k3s on a k3s unit as the k3s installer writes it
/// for nvoi 0.2.0: the flag removed once, systemd reloaded, k3s restarted, and a rerun after a stop anywhere.
/// </summary>
public sealed class K3sTraefikScriptTests : IDisposable
{
    private readonly StubbedShell _sh = new();
    private string Unit => Path.Combine(_sh.Work, "k3s.service");

    // The installer's unit for 0.2.0's `sh -s - server ...`: one quoted argument a line.
    private const string Unit020 = """
        [Service]
        Type=notify
        ExecStart=/usr/local/bin/k3s \
            server \
        	'--bind-address=10.0.1.2' \
        	'--advertise-address=10.0.1.2' \
        	'--flannel-backend=wireguard-native' \
        	'--disable=traefik' \
        	'--write-kubeconfig-mode=644' \
        	'--cluster-cidr=10.42.0.0/16' \
        	'--service-cidr=10.43.0.0/16' \


        """;

    public K3sTraefikScriptTests()
    {
        _sh.Stub("sudo", """
            case "$1" in
                test|grep|stat|sed|k3s) exec "$@" ;;
                systemctl) shift; echo "$*" >>"$STUB_STATE/systemctl"; [ "$1" = restart ] && date -u '+%a %Y-%m-%d %H:%M:%S UTC' >"$STUB_STATE/started"; exit 0 ;;
                *) echo "unexpected sudo $*" >&2; exit 99 ;;
            esac
            """);
        // k3s last started when state/started says (a day ago unless restarted).
        _sh.Stub("systemctl", """[ "$1 $2 $3 $4" = "show -p ActiveEnterTimestamp --value" ] && cat "$STUB_STATE/started" """);
        File.WriteAllText(Path.Combine(_sh.State, "started"), DateTime.UtcNow.AddDays(-1).ToString("ddd yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture) + "\n");
        _sh.Stub("k3s", """echo True""");
        File.WriteAllText(Unit, Unit020);
        File.SetLastWriteTimeUtc(Unit, DateTime.UtcNow.AddDays(-2));
    }

    public void Dispose() => _sh.Dispose();

    [Fact]
    public async Task Check_reports_disabled_on_a_020_unit_and_changes_nothing()
    {
        var result = await _sh.RunAsync(HostScripts.K3sTraefik, "check", Unit, "app-master-1", "0");
        Assert.Equal((0, "traefik: disabled\n", ""), result);
        Assert.Equal(Unit020, File.ReadAllText(Unit));
        Assert.False(_sh.Exists("systemctl"));
    }

    [Fact]
    public async Task Enable_removes_only_the_flag_restarts_k3s_once_and_is_idempotent()
    {
        var first = await _sh.RunAsync(HostScripts.K3sTraefik, "enable", Unit, "app-master-1", "0");
        Assert.Equal((0, "traefik: enabled now\n", ""), first);
        var expected = Unit020.Replace("\t'--disable=traefik' \\\n", "", StringComparison.Ordinal)
            .Replace("--write-kubeconfig-mode=644", "--write-kubeconfig-mode=0600", StringComparison.Ordinal);
        Assert.Equal(expected, File.ReadAllText(Unit));
        Assert.Equal("daemon-reload\nrestart k3s\n", _sh.Read("systemctl"));
        Assert.Contains("get node app-master-1", _sh.Read("argv"));

        var second = await _sh.RunAsync(HostScripts.K3sTraefik, "enable", Unit, "app-master-1", "0");
        Assert.Equal((0, "traefik: enabled\n", ""), second);
        Assert.Equal("daemon-reload\nrestart k3s\n", _sh.Read("systemctl"));
        Assert.Equal((0, "traefik: enabled\n", ""), await _sh.RunAsync(HostScripts.K3sTraefik, "check", Unit, "app-master-1", "0"));
    }

    [Fact]
    public async Task A_unit_edited_but_not_restarted_still_counts_as_disabled()
    {
        // A run stopped after the edit, before the restart: the running k3s has no Traefik yet.
        File.WriteAllText(Unit, Unit020.Replace("\t'--disable=traefik' \\\n", "", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(Unit, DateTime.UtcNow.AddMinutes(-1));
        Assert.Equal((0, "traefik: disabled\n", ""), await _sh.RunAsync(HostScripts.K3sTraefik, "check", Unit, "app-master-1", "0"));
        Assert.Equal((0, "traefik: enabled now\n", ""), await _sh.RunAsync(HostScripts.K3sTraefik, "enable", Unit, "app-master-1", "0"));
        Assert.Equal("daemon-reload\nrestart k3s\n", _sh.Read("systemctl"));
    }

    [Fact]
    public async Task A_unit_nvoi_installed_is_left_alone()
    {
        var ours = Unit020.Replace("\t'--disable=traefik' \\\n", "", StringComparison.Ordinal);
        File.WriteAllText(Unit, ours);
        File.SetLastWriteTimeUtc(Unit, DateTime.UtcNow.AddDays(-2));
        Assert.Equal((0, "traefik: enabled\n", ""), await _sh.RunAsync(HostScripts.K3sTraefik, "enable", Unit, "app-master-1", "0"));
        Assert.Equal(ours, File.ReadAllText(Unit));
        Assert.False(_sh.Exists("systemctl"));
    }

    [Fact]
    public async Task Without_a_unit_check_finds_nothing_and_enable_fails_and_a_node_that_stays_unready_is_an_error()
    {
        var none = Path.Combine(_sh.Work, "none.service");
        Assert.Equal((0, "traefik: no unit\n", ""), await _sh.RunAsync(HostScripts.K3sTraefik, "check", none, "app-master-1", "0"));
        var missing = await _sh.RunAsync(HostScripts.K3sTraefik, "enable", none, "app-master-1", "0");
        Assert.Equal(3, missing.Code);
        Assert.Contains("no k3s service unit", missing.Stderr);

        _sh.Stub("k3s", """echo False""");
        var unready = await _sh.RunAsync(HostScripts.K3sTraefik, "enable", Unit, "app-master-1", "0");
        Assert.Equal(7, unready.Code);
        Assert.Contains("was not Ready within 0s", unready.Stderr);
    }
}
