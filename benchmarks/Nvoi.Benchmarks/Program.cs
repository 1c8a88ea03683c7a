// nvoi benchmarks: run on demand, never in the test suite.
//   dotnet run -c Release --project benchmarks/Nvoi.Benchmarks -- deploy [runs]
// Deploys examples/hetzner-cluster (master + 2 workers, postgres, redis) in the sandbox with realistic
// latencies, once with nvoi's parallel engine and once with every action one after another (what
// nvoi 0.2.0 did), then a no-op redeploy; prints wall times, their ratio to the critical-path lower
// bound of the injected latencies, and the API calls and SSH connections of a deploy.
using System.Diagnostics;
using Nvoi.Configuration;
using Nvoi.Operations.Deploy;
using Nvoi.Operations.Progress;
using Nvoi.Sandbox.World;

var mode = args.FirstOrDefault() ?? "deploy";
if (mode != "deploy") { Console.Error.WriteLine("usage: Nvoi.Benchmarks deploy [runs]"); return 2; }
var runs = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 1;
var trace = args.Contains("--trace");

var api = TimeSpan.FromMilliseconds(80);
var ssh = TimeSpan.FromMilliseconds(40);
var boot = TimeSpan.FromSeconds(3);
var k3s = TimeSpan.FromSeconds(2);
var rollout = TimeSpan.FromSeconds(1);
var clock = Stopwatch.StartNew();
var settings = new SandboxSettings
{
    OnRequest = trace ? (key, method, path) => Console.WriteLine($"  [{clock.Elapsed.TotalSeconds,6:0.00}]     {key} {method} {path}") : null,
    ApiLatency = api,
    SshRoundTrip = ssh,
    ServerBootTime = boot,
    K3sInstallTime = k3s,
    Emulator = new Dictionary<string, string> { ["kubernetes.start_delay_seconds"] = rollout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
};

// The critical path of a fresh deploy: what must happen one after another, at the injected latencies.
//   the observation (1 API read: nothing is created before knowing what exists);
//   the network and the firewall (created at once: 1 API call), then the servers (1 API call);
//   the boot; SSH ready and cloud-init done (2 round trips);
//   the k3s server install; reading the node token (1 round trip); the agents' install;
//   three rollouts that depend on each other, each started by its apply (1 API call): the registry (the
//   image is pushed into it), the migration Job (it needs the database and the image), the app;
//   one request to the public URL.
var lowerBound = api + api + api + boot + 2 * ssh + k3s + ssh + k3s + 3 * (api + rollout) + api;

string Example()
{
    var root = AppContext.BaseDirectory;
    while (!File.Exists(Path.Combine(root, "Nvoi.slnx"))) root = Path.GetDirectoryName(root)!;
    var dir = Directory.CreateTempSubdirectory("nvoi-bench-").FullName;
    foreach (var f in Directory.GetFiles(Path.Combine(root, "examples", "hetzner-cluster"))) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
    return dir;
}

async Task<(TimeSpan Wall, long Api, int Connections, long Commands)> Deploy(string dir, bool sequential, bool quiet = false)
{
    var config = ConfigSource.FromText(File.ReadAllText(Path.Combine(dir, "deploy.yml")), _ => null);
    await using var world = await SandboxWorld.OpenAsync(config, Path.Combine(dir, ".nvoi", "sandbox"), TimeProvider.System,
        quiet ? settings with { OnRequest = null } : settings);
    clock.Restart();
    IProgressSink sink = trace && !quiet ? new TraceSink(clock) : NullProgressSink.Instance;
    var deployer = new Deployer(config, world, sink, new DeployOptions
    {
        WorkingDirectory = dir,
        Sequential = sequential,
        VerifyInterval = TimeSpan.Zero,
    });
    var watch = Stopwatch.StartNew();
    await deployer.ValidateAndPlanAsync(default);
    await deployer.DeployAsync(default);
    watch.Stop();
    return (watch.Elapsed, world.ApiRequests, world.Ssh.Connections, world.Ssh.Commands);
}

Console.WriteLine($"latencies: API {api.TotalMilliseconds} ms, SSH round trip {ssh.TotalMilliseconds} ms, boot {boot.TotalSeconds} s, k3s install {k3s.TotalSeconds} s, rollout {rollout.TotalSeconds} s");
Console.WriteLine($"critical-path lower bound: {lowerBound.TotalSeconds:0.00} s");
// One deploy first, not measured: the runtime compiles the engine's code on its first use (a warm-up, as
// benchmark harnesses do); every measured deploy below runs compiled code. The cold start of the
// command itself is measured by cold-start.sh.
await Deploy(Example(), sequential: false, quiet: true);
for (var run = 1; run <= runs; run++)
{
    var parallelDir = Example();
    var parallel = await Deploy(parallelDir, sequential: false);
    var noop = await Deploy(parallelDir, sequential: false);
    var sequential = await Deploy(Example(), sequential: true);
    Console.WriteLine($"run {run}:");
    Console.WriteLine($"  parallel deploy   {parallel.Wall.TotalSeconds,6:0.00} s  = {parallel.Wall / lowerBound:0.00}x the lower bound  ({parallel.Api} API calls, {parallel.Connections} SSH connections, {parallel.Commands} SSH commands)");
    Console.WriteLine($"  sequential (0.2.0) {sequential.Wall.TotalSeconds,5:0.00} s  = {sequential.Wall / lowerBound:0.00}x the lower bound  ({sequential.Api} API calls)");
    Console.WriteLine($"  no-op redeploy    {noop.Wall.TotalSeconds,6:0.00} s  ({noop.Api} API calls, {noop.Commands} SSH commands)");
    Console.WriteLine($"  parallel vs sequential: {sequential.Wall / parallel.Wall:0.00}x faster");
}
return 0;

/// <summary>--trace: when each step starts and ends, to find where the time goes.</summary>
sealed class TraceSink(Stopwatch clock) : IProgressSink
{
    public void Report(ProgressEvent e)
    {
        var text = e switch
        {
            StepStarted s => $"start {s.Id}",
            StepFinished f => $"done  {f.Id} {f.Detail}",
            StepFailed f => $"FAIL  {f.Id} {f.Error}",
            _ => null,
        };
        if (text is not null) Console.WriteLine($"  [{clock.Elapsed.TotalSeconds,6:0.00}] {text}");
    }
}
