using Nvoi.Hosts;

namespace Nvoi.Remote.Tests.Hosts;

/// <summary>The real k3s scripts with stub sudo/systemctl/ip/curl/k3s: flags, files, idempotence, token handling.</summary>
public sealed class K3sScriptTests : IDisposable
{
    private const string Token = "K10c0ffee::server:s3cr3t";
    private readonly StubbedShell _sh = new();

    public K3sScriptTests()
    {
        // sudo: root-owned writes go under state/root; env runs the (stub) installer; k3s is the stub.
        _sh.Stub("sudo", """
            case "$1" in
                mkdir) mkdir -p "$STUB_STATE/root$3" ;;
                tee) mkdir -p "$(dirname "$STUB_STATE/root$2")"; cat >"$STUB_STATE/root$2" ;;
                install) mkdir -p "$(dirname "$STUB_STATE/root$9")"; cp "$8" "$STUB_STATE/root$9"; echo "$3" >"$STUB_STATE/root$9.mode" ;;
                env|k3s) exec "$@" ;;
                *) echo "unexpected sudo $*" >&2; exit 99 ;;
            esac
            """);
        _sh.Stub("systemctl", """[ "$1 $2" = "is-active --quiet" ] && [ -f "$STUB_STATE/active-$3" ]""");
        _sh.Stub("ip", """
            echo '1: lo    inet 127.0.0.1/8 scope host lo\       valid_lft forever preferred_lft forever'
            echo '2: eth0    inet 203.0.113.7/32 scope global dynamic eth0\       valid_lft 86000sec'
            echo '3: enp7s0    inet 10.0.1.3/32 brd 10.0.1.3 scope global dynamic enp7s0\       valid_lft 86000sec'
            """);
        _sh.Stub("curl", """
            out=""; while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
            cat >"$out" <<'INSTALLER'
            printf '%s\n' "$@" >"$STUB_STATE/installer-args"
            env | grep -E '^(K3S_|INSTALL_K3S_)' | sort >"$STUB_STATE/installer-env"
            echo run >>"$STUB_STATE/installer-runs"
            if [ "$1" = server ]; then touch "$STUB_STATE/active-k3s"; else touch "$STUB_STATE/active-k3s-agent"; fi
            INSTALLER
            """);
        _sh.Stub("k3s", """echo True""");
    }

    public void Dispose() => _sh.Dispose();

    [Fact]
    public async Task Server_installs_pinned_and_bound_to_the_private_ip_once()
    {
        var first = await _sh.RunAsync(HostScripts.K3sServer, "10.0.1.3", "app-master-1", K3s.Version, "0");
        Assert.Equal((0, "private interface: enp7s0\nk3s: installed\n", ""), first);
        Assert.Equal(
            ["server", "--node-name", "app-master-1", "--node-ip", "10.0.1.3", "--advertise-address", "10.0.1.3",
             "--tls-san", "10.0.1.3", "--flannel-iface", "enp7s0", "--flannel-backend", "wireguard-native",
             "--cluster-cidr", "10.42.0.0/16", "--service-cidr", "10.43.0.0/16", "--write-kubeconfig-mode", "0600"],
            _sh.Read("installer-args").TrimEnd('\n').Split('\n'));
        Assert.Equal($"INSTALL_K3S_VERSION={K3s.Version}\n", _sh.Read("installer-env"));
        Assert.Equal("mirrors:\n  \"localhost:30500\":\n    endpoint:\n      - \"http://localhost:30500\"\n",
            _sh.Read("root/etc/rancher/k3s/registries.yaml"));
        Assert.DoesNotContain("--disable", _sh.Read("installer-args"));

        var second = await _sh.RunAsync(HostScripts.K3sServer, "10.0.1.3", "app-master-1", K3s.Version, "0");
        Assert.Equal((0, "k3s: already active\n", ""), second);
        Assert.Equal("run\n", _sh.Read("installer-runs"));
    }

    [Fact]
    public async Task Server_and_agent_register_their_node_with_the_label_given()
    {
        Assert.Equal(0, (await _sh.RunAsync(HostScripts.K3sServer, "10.0.1.3", "app-master-1", K3s.Version, "0", "nvoi.io/server-name=master")).Code);
        var args = _sh.Read("installer-args").TrimEnd('\n').Split('\n');
        Assert.Equal(["--node-label", "nvoi.io/server-name=master"], args[^2..]);

        var tokenFile = Path.Combine(_sh.Work, ".nvoi-k3s-agent-token");
        await File.WriteAllTextAsync(tokenFile, Token + "\n");
        Assert.Equal(0, (await _sh.RunAsync(HostScripts.K3sAgent, "10.0.1.2", tokenFile, "10.0.1.3", "app-workers-1", K3s.Version, "0", "nvoi.io/server-name=workers")).Code);
        Assert.Equal(["agent", "--node-name", "app-workers-1", "--node-ip", "10.0.1.3", "--flannel-iface", "enp7s0", "--node-label", "nvoi.io/server-name=workers"],
            _sh.Read("installer-args").TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Server_refuses_an_ip_no_interface_holds()
    {
        var result = await _sh.RunAsync(HostScripts.K3sServer, "10.0.1.99", "app-master-1", K3s.Version, "0");
        Assert.Equal((6, "", "no network interface holds 10.0.1.99\n"), result);
        Assert.False(_sh.Exists("installer-runs"));
    }

    [Fact]
    public async Task Agent_gets_the_token_from_a_root_file_never_from_argv_or_env()
    {
        var tokenFile = Path.Combine(_sh.Work, ".nvoi-k3s-agent-token");
        await File.WriteAllTextAsync(tokenFile, Token + "\n");
        var result = await _sh.RunAsync(HostScripts.K3sAgent, "10.0.1.2", tokenFile, "10.0.1.3", "app-workers-1", K3s.Version, "0");
        Assert.Equal((0, "private interface: enp7s0\nk3s-agent: joined\n", ""), result);
        Assert.Equal(Token + "\n", _sh.Read("root/etc/rancher/k3s/agent-token"));
        Assert.Equal("0600\n", _sh.Read("root/etc/rancher/k3s/agent-token.mode"));
        Assert.False(File.Exists(tokenFile));
        Assert.Equal(
            [$"INSTALL_K3S_VERSION={K3s.Version}", "K3S_TOKEN_FILE=/etc/rancher/k3s/agent-token", "K3S_URL=https://10.0.1.2:6443"],
            _sh.Read("installer-env").TrimEnd('\n').Split('\n'));
        Assert.Equal(["agent", "--node-name", "app-workers-1", "--node-ip", "10.0.1.3", "--flannel-iface", "enp7s0"],
            _sh.Read("installer-args").TrimEnd('\n').Split('\n'));
        Assert.Contains("sudo env", _sh.Read("argv"));
        Assert.DoesNotContain("s3cr3t", _sh.Read("argv"));
        Assert.DoesNotContain("s3cr3t", _sh.Read("installer-args"));

        await File.WriteAllTextAsync(tokenFile, Token + "\n");
        var again = await _sh.RunAsync(HostScripts.K3sAgent, "10.0.1.2", tokenFile, "10.0.1.3", "app-workers-1", K3s.Version, "0");
        Assert.Equal((0, "k3s-agent: already active\n", ""), again);
        Assert.False(File.Exists(tokenFile));
        Assert.Equal("run\n", _sh.Read("installer-runs"));
    }
}
