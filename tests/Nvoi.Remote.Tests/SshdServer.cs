using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Nvoi.Remote;

namespace Nvoi.Remote.Tests;

/// <summary>
/// A real OpenSSH sshd on 127.0.0.x and a free port, run as the current user with its own host
/// key and one authorized client key, all in a temp directory. Readiness is its
/// "Server listening" log line; accepted logins are counted from its log.
/// Sessions get an empty HOME inside that directory, as on a fresh server: the current user's own
/// dotfiles (a .bashrc that runs pyenv, say) would otherwise run in every command and write to its stderr.
/// </summary>
public sealed class SshdServer : IAsyncDisposable
{
    private const string SshdPath = "/usr/sbin/sshd";
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;
    private string[] _extraHostKeyTypes = [];
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SshdServer(string dir, string address, int port, string user)
    {
        Directory = dir;
        Address = address;
        Port = port;
        User = user;
    }

    public string Directory { get; }
    public string Address { get; }
    public int Port { get; private set; }
    public string User { get; }
    public string ClientPrivateKey => File.ReadAllText(Path.Combine(Directory, "client"));
    public string HostPublicKey => HostPublicKeyOf("ed25519");
    public string HostPublicKeyOf(string type) => File.ReadAllText(Path.Combine(Directory, $"host_{type}.pub")).Trim();
    public string Log => string.Join('\n', _log);

    /// <summary>How many logins sshd has accepted since it first started.</summary>
    public int AcceptedLogins => _log.Count(l => l.Contains("Accepted publickey", StringComparison.Ordinal));

    /// <summary>
    /// The accepted logins once at least <paramref name="expected"/> are logged: sshd's log is read from its
    /// stderr asynchronously, so a login that happened may reach the log a moment later (bounded wait).
    /// </summary>
    public async Task<int> LoginsAsync(int expected)
    {
        for (var i = 0; i < 500 && AcceptedLogins < expected; i++) await Task.Delay(20);
        return AcceptedLogins;
    }

    public SshEndpoint Endpoint(string server = "test") => new(server, Address, Port);

    public SshSessionOptions Options(IHostKeyStore? store = null, int maxConcurrent = 8, TimeProvider? time = null,
        TimeSpan? commandIdleTimeout = null) => new()
    {
        User = User,
        PrivateKey = ClientPrivateKey,
        HostKeys = store ?? new InMemoryHostKeyStore(),
        MaxConcurrentCommands = maxConcurrent,
        Time = time ?? TimeProvider.System,
        CommandIdleTimeout = commandIdleTimeout ?? TimeSpan.FromMinutes(10),
    };

    /// <summary>The user to log in as: NVOI_TEST_SSH_USER, else the current user.</summary>
    public static string DefaultUser =>
        Environment.GetEnvironmentVariable("NVOI_TEST_SSH_USER") is { Length: > 0 } u ? u : Environment.UserName;

    /// <summary>Starts sshd with an ed25519 host key, plus keys of <paramref name="extraHostKeyTypes"/> (e.g. "ecdsa").</summary>
    public static async Task<SshdServer> StartAsync(string? user = null, params string[] extraHostKeyTypes)
    {
        if (!File.Exists(SshdPath))
        {
            throw new InvalidOperationException($"{SshdPath} is missing: install openssh-server (scripts/prereqs/apt.txt).");
        }
        var dir = System.IO.Directory.CreateTempSubdirectory("nvoi-sshd-").FullName;
        await Keygen(Path.Combine(dir, "host_ed25519"));
        await Keygen(Path.Combine(dir, "client"));
        File.Copy(Path.Combine(dir, "client.pub"), Path.Combine(dir, "authorized_keys"));
        if (Environment.UserName == "root")
        {
            System.IO.Directory.CreateDirectory("/run/sshd"); // privilege separation directory
        }
        var address = $"127.0.0.{Random.Shared.Next(2, 254)}";
        foreach (var type in extraHostKeyTypes)
        {
            await Keygen(Path.Combine(dir, "host_" + type), type);
        }
        var server = new SshdServer(dir, address, FreePort(address), user ?? DefaultUser) { _extraHostKeyTypes = extraHostKeyTypes };
        await server.LaunchAsync();
        return server;
    }

    /// <summary>Generates an ed25519 key pair with ssh-keygen (no passphrase).</summary>
    public static async Task Keygen(string path, string type = "ed25519")
    {
        File.Delete(path);
        File.Delete(path + ".pub");
        var (code, output) = await RunTool("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "nvoi-test", "-f", path);
        if (code != 0)
        {
            throw new InvalidOperationException("ssh-keygen failed: " + output);
        }
    }

    /// <summary>Stops sshd (closing every connection) and starts it again on the same address and port,
    /// optionally with a fresh host key.</summary>
    public async Task RestartAsync(bool newHostKey = false)
    {
        await StopAsync();
        if (newHostKey)
        {
            await Keygen(Path.Combine(Directory, "host_ed25519"));
        }
        await LaunchAsync();
    }

    /// <summary>Kills the sshd processes serving connections (not the listener), dropping them.</summary>
    public int KillConnections()
    {
        var killed = 0;
        foreach (var pid in Descendants(_process!.Id))
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                p.Kill();
                killed++;
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        return killed;
    }

    private async Task LaunchAsync()
    {
        var config = Path.Combine(Directory, "sshd_config");
        var home = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "home")).FullName;
        File.WriteAllText(config, string.Join('\n',
            $"ListenAddress {Address}:{Port}",
            $"HostKey {Path.Combine(Directory, "host_ed25519")}",
            string.Join('\n', _extraHostKeyTypes.Select(t => $"HostKey {Path.Combine(Directory, "host_" + t)}")),
            $"AuthorizedKeysFile {Path.Combine(Directory, "authorized_keys")}",
            $"PidFile {Path.Combine(Directory, "sshd.pid")}",
            "UsePAM no",
            "StrictModes no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin prohibit-password",
            "AllowTcpForwarding yes",
            "LogLevel INFO",
            $"SetEnv HOME={home}",
            "") );
        _listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo(SshdPath) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-D", "-e", "-f", config })
        {
            start.ArgumentList.Add(a);
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            _log.Enqueue(e.Data);
            if (e.Data.Contains("Server listening on", StringComparison.Ordinal))
            {
                _listening.TrySetResult();
            }
        };
        process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException("sshd exited:\n" + Log));
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        // A bounded wait for sshd's own "listening" line; no polling, no sleeping.
        await _listening.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    private async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            foreach (var pid in Descendants(p.Id))
            {
                try
                {
                    using var child = Process.GetProcessById(pid);
                    child.Kill();
                }
                catch (ArgumentException)
                {
                }
            }
            p.Kill();
            await p.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // All processes below root, from /proc/*/stat (field 4 is the parent pid).
    private static List<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1]);
            }
            catch (IOException)
            {
            }
        }
        var result = new List<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent)
                {
                    result.Add(pid);
                    frontier.Enqueue(pid);
                }
            }
        }
        return result;
    }

    public static async Task<(int Code, string Output)> RunTool(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }
}
