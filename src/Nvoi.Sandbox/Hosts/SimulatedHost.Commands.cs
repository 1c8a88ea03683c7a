using Nvoi.Hosts;
using Nvoi.Remote;

namespace Nvoi.Sandbox.Hosts;

public sealed partial class SimulatedHost
{
    private async Task<int> ExecuteAsync(RemoteCommand command, CommandOutput o, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _commands);
        if (RoundTrip > TimeSpan.Zero) await Task.Delay(RoundTrip, cancellationToken).ConfigureAwait(false);
        var argv = command.Argv.ToList();
        while (argv.Count > 1 && argv[0] == "sudo")
        {
            argv.RemoveAt(0);
            if (argv[0] == "-n") argv.RemoveAt(0);
        }
        // A host script, as RemoteHostExtensions.ScriptArgv runs it: sh -c SCRIPT NAME ARGS...
        if (argv is ["sh", "-c", var script, _, ..] && HostScripts.NameOf(script) is { } name)
        {
            var args = argv.Skip(4).ToArray();
            if (BeforeScript is { } before) await before(name, args, cancellationToken).ConfigureAwait(false);
            var exit = await RunScriptAsync(name, args, o, cancellationToken).ConfigureAwait(false);
            if (exit == 0 && AfterScript is { } after) await after(name, cancellationToken).ConfigureAwait(false);
            return exit;
        }
        var stdinBytes = Array.Empty<byte>();
        if (command.Stdin is not null && argv[0] == "cat")
        {
            using var buffer = new MemoryStream();
            await command.Stdin.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            stdinBytes = buffer.ToArray();
        }
        return await _store.UpdateAsync(s => Task.FromResult(Command(s, argv, stdinBytes, o)), cancellationToken).ConfigureAwait(false);
    }

    private int Command(SimulatedHostState s, List<string> argv, byte[] stdin, CommandOutput o)
    {
        var args = argv.Skip(1).ToList();
        switch (argv[0])
        {
            case "true": return 0;
            case "false": return 1;
            case "echo":
                o.Out(string.Join(' ', args));
                return 0;
            case "hostname":
                o.Out(Server);
                return 0;
            case "uname" when args is ["-m"]:
                o.Out("x86_64");
                return 0;
            case "cat":
                return Cat(s, args.Where(a => a != "--").ToList(), stdin, o);
            case "test" when args is [var flag, var p] && flag is "-f" or "-d" or "-e":
                var path = SimulatedPaths.Normalize(p);
                var isFile = s.Files.ContainsKey(path);
                var isDir = IsDirectory(s, path);
                return (flag == "-f" ? isFile : flag == "-d" ? isDir : isFile || isDir) ? 0 : 1;
            case "ls":
                return Ls(s, args.Where(a => a != "--").ToList(), o);
            case "mkdir" when args.Count >= 2 && args[0] == "-p":
                foreach (var d in args.Skip(1).Where(a => a != "--")) MakeDirectories(s, SimulatedPaths.Normalize(d));
                return 0;
            case "rm" when args.Count >= 1 && args[0] is "-f" or "-rf":
                foreach (var f in args.Skip(1).Where(a => a != "--"))
                {
                    var target = SimulatedPaths.Normalize(f);
                    DeleteFile(s, target);
                    if (args[0] == "-rf")
                    {
                        foreach (var k in s.Files.Keys.Where(k => k.StartsWith(target + "/", StringComparison.Ordinal)).ToList()) DeleteFile(s, k);
                        s.Directories.RemoveWhere(d => d == target || d.StartsWith(target + "/", StringComparison.Ordinal));
                    }
                }
                return 0;
            case "sha256sum":
                var rc = 0;
                foreach (var f in args.Where(a => a != "--"))
                {
                    var bytes = ReadBytes(s, SimulatedPaths.Normalize(f));
                    if (bytes is null) { o.Err($"sha256sum: {f}: No such file or directory"); rc = 1; continue; }
                    o.Out($"{Sha256(bytes)}  {f}");
                }
                return rc;
            case "systemctl" when args.Count >= 2 && args[0] == "is-active":
                var quiet = args.Contains("--quiet");
                var unit = args.Last();
                var active = s.ActiveServices.Contains(unit);
                if (!quiet) o.Out(active ? "active" : "inactive");
                return active ? 0 : 3;
            default:
                o.Err($"sandbox: {argv[0]}: not simulated");
                return 127;
        }
    }

    private int Cat(SimulatedHostState s, List<string> files, byte[] stdin, CommandOutput o)
    {
        if (files.Count == 0)
        {
            o.Write(stdin);
            return 0;
        }
        var rc = 0;
        foreach (var f in files)
        {
            var bytes = ReadBytes(s, SimulatedPaths.Normalize(f));
            if (bytes is null)
            {
                o.Err($"cat: {f}: {(IsDirectory(s, SimulatedPaths.Normalize(f)) ? "Is a directory" : "No such file or directory")}");
                rc = 1;
                continue;
            }
            o.Write(bytes);
        }
        return rc;
    }

    private static int Ls(SimulatedHostState s, List<string> paths, CommandOutput o)
    {
        if (paths.Count == 0) paths.Add(SimulatedPaths.Home);
        var rc = 0;
        foreach (var p in paths)
        {
            var path = SimulatedPaths.Normalize(p);
            if (s.Files.ContainsKey(path)) { o.Out(p); continue; }
            if (!IsDirectory(s, path)) { o.Err($"ls: cannot access '{p}': No such file or directory"); rc = 2; continue; }
            var prefix = path == "/" ? "/" : path + "/";
            var names = s.Files.Keys.Concat(s.Directories)
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.Length > prefix.Length)
                .Select(k => k[prefix.Length..].Split('/')[0])
                .Distinct().Order(StringComparer.Ordinal);
            foreach (var n in names) o.Out(n);
        }
        return rc;
    }
}
