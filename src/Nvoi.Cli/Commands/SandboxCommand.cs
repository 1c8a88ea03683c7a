using System.CommandLine;
using System.Text.Json;
using Nvoi.Cli.Hosting;
using Nvoi.Sandbox;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Cli.Commands;

/// <summary><c>nvoi sandbox serve</c>: the provider emulators on 127.0.0.1, for trying nvoi without accounts.</summary>
internal sealed class SandboxCommand : Command
{
    public static readonly Option<string?> StateDir = new("--state-dir")
    {
        Description = "Keep the emulators' state in this directory across restarts (default: in memory).",
        HelpName = "dir",
    };
    public static readonly Option<int> LatencyMs = new("--latency-ms")
    {
        Description = "Delay added to every API request, in milliseconds.",
        DefaultValueFactory = _ => 0,
        HelpName = "ms",
    };
    public static readonly Option<double> FaultRate = new("--fault-rate")
    {
        Description = "Fraction (0..1) of requests answered with an injected 429, 503 or lost-response 500.",
        DefaultValueFactory = _ => 0,
        HelpName = "fraction",
    };
    public static readonly Option<int> Seed = new("--seed")
    {
        Description = "Seed of the fault injection, to replay a run.",
        DefaultValueFactory = _ => 1,
        HelpName = "n",
    };
    public static readonly Option<int> BootMs = new("--boot-ms")
    {
        Description = "How long an emulated server takes to boot, in milliseconds.",
        DefaultValueFactory = _ => 0,
        HelpName = "ms",
    };

    public SandboxCommand(CliHost host) : base("sandbox", "The local emulators of Hetzner, Scaleway, EC2, Cloudflare and Kubernetes.")
    {
        var serve = new Command("serve",
            "Start every emulator on 127.0.0.1; the first stdout line is a JSON object mapping hetzner, scaleway, aws, cloudflare, kubernetes to base URLs. Serves until interrupted.");
        serve.Options.Add(StateDir);
        serve.Options.Add(LatencyMs);
        serve.Options.Add(FaultRate);
        serve.Options.Add(Seed);
        serve.Options.Add(BootMs);
        CommandRunner.Bind(serve, host, async (ctx, ct) =>
        {
            var rate = ctx.Parse.GetValue(FaultRate);
            if (rate is < 0 or > 1) throw new NvoiUsageException("--fault-rate must be between 0 and 1");
            var options = new EmulatorOptions
            {
                StateDirectory = ctx.Parse.GetValue(StateDir) is { } dir ? Path.GetFullPath(dir, host.CurrentDirectory) : null,
                Latency = TimeSpan.FromMilliseconds(ctx.Parse.GetValue(LatencyMs)),
                FaultRate = rate,
                Seed = ctx.Parse.GetValue(Seed),
                ServerBootTime = TimeSpan.FromMilliseconds(ctx.Parse.GetValue(BootMs)),
                Time = host.Time,
            };
            var hosts = new List<EmulatorHost>();
            try
            {
                foreach (var emulator in SandboxEmulators.Create(options))
                    hosts.Add(await EmulatorHost.StartAsync(emulator, options));
                var map = hosts.ToDictionary(h => h.Emulator.Key, h => h.BaseUrl.ToString().TrimEnd('/'));
                host.Out.WriteLine(JsonSerializer.Serialize(map));
                host.Out.Flush();
                try { await Task.Delay(Timeout.Infinite, ct); }
                catch (OperationCanceledException) { }
                return ExitCodes.Success;
            }
            finally
            {
                foreach (var h in hosts) await h.DisposeAsync();
            }
        });
        Subcommands.Add(serve);

        var shape = new Command("shape-0.2.0",
            "Make this project's deployed sandbox look as nvoi 0.2.0 leaves a cluster (k3s without Traefik, ingress-nginx, tunnels to it), to rehearse taking it over with `nvoi plan --sandbox` and `nvoi deploy --sandbox`.");
        CommandRunner.Bind(shape, host, async (ctx, ct) =>
        {
            await using var session = DeploySession.Open(ctx, sandbox: true);
            await ((Nvoi.Sandbox.World.SandboxWorld)session.World).ShapeAsNvoi020Async(session.Config, ct);
            ctx.Output.Info("the sandbox now holds a cluster made by nvoi 0.2.0: `nvoi plan --sandbox` shows its takeover");
            return ExitCodes.Success;
        });
        Subcommands.Add(shape);
    }
}
