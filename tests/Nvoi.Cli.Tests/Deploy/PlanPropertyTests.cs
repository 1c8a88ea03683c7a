using System.Text;
using Nvoi.Operations;
using Nvoi.Operations.Deploy;
using Nvoi.Operations.Progress;
using Xunit.Abstractions;

namespace Nvoi.Cli.Tests.Deploy;

/// <summary>
/// The plan is the program: random sequences of config edits, each followed by a deploy in the sandbox.
/// The plan shows no request the deploy did not make and the deploy makes no create, update or delete the plan
/// did not show; a plan after the deploy is empty.
/// </summary>
public class PlanPropertyTests(ITestOutputHelper output)
{
    /// <summary>About 3.5 s each (a deploy and two plans); NVOI_PROPERTY_STEPS runs more.</summary>
    private static int Steps => Environment.GetEnvironmentVariable("NVOI_PROPERTY_STEPS") is { } n ? int.Parse(n) : 15;

    [Fact]
    public async Task Random_config_edits_each_deploy_exactly_their_plan_and_leave_nothing_to_do()
    {
        var seed = Environment.GetEnvironmentVariable("NVOI_PROPERTY_SEED") is { } s ? int.Parse(s) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (NVOI_PROPERTY_SEED={seed} replays it)");
        var random = new Random(seed);
        var state = new Shape();
        using var project = new SandboxProject("hetzner-cluster");
        project.ConfigText = state.Yaml();
        await EngineHarness.DeployAsync(project);

        var history = new List<string>();
        for (var step = 1; step <= Steps; step++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var edit = state.RandomEdit(random);
            history.Add(edit);
            project.ConfigText = state.Yaml();
            var because = $"seed {seed}, step {step}: {string.Join("; ", history)}";

            var log = new MutationLog();
            var config = EngineHarness.Config(project);
            await using (var world = await EngineHarness.WorldAsync(project, config, log.Settings()))
            {
                var deployer = new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project));
                var plan = await deployer.PlanAsync(default);
                Assert.True(log.Requests.Count == 0, $"{because}: the plan changed something: {string.Join(", ", log.Requests)}");
                try
                {
                    await deployer.DeployAsync(default);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{because}: the deploy failed: {e.Message}");
                }
                var planned = MutationLog.PlannedChanges(plan);
                var done = log.Changes();
                Assert.True(planned.SequenceEqual(done),
                    $"{because}:\n  planned {string.Join(", ", planned)}\n  done    {string.Join(", ", done)}");

                // The same world a moment later, as the next `nvoi plan` would see it.
                log.Clear();
                var after = await new Deployer(config, world, NullProgressSink.Instance, EngineHarness.Options(project)).PlanAsync(default);
                var left = after.Actions.Where(a => a.IsChange).Select(a => $"{a.Action} {a.Kind} {a.Name} ({a.Reason})").ToList();
                Assert.True(left.Count == 0, $"{because}: the plan after the deploy still has {string.Join(", ", left)}");
                Assert.Empty(log.Requests);
            }
            output.WriteLine($"step {step}: {edit} ({clock.Elapsed.TotalSeconds:0.0} s)");
        }
    }

    /// <summary>The editable part of a hetzner-cluster config, and the YAML it gives.</summary>
    private sealed class Shape
    {
        public int Workers = 2;
        public bool Api, Admin, Cache;
        public string? PreRun = "echo migrating";
        public SortedDictionary<string, string> Env = new(StringComparer.Ordinal) { ["REDIS_URL"] = "redis://saas-redis:6379" };
        public SortedDictionary<string, string> Secrets = new(StringComparer.Ordinal) { ["SECRET_KEY_BASE"] = "placeholder-secret-key-base" };
        private int _counter;

        public string RandomEdit(Random random)
        {
            var edits = new List<(string Name, Action Apply)>();
            if (Workers < 3) edits.Add(("workers up", () => Workers++));
            if (Workers > 1) edits.Add(("workers down", () => Workers--));
            edits.Add((Api ? "remove app api" : "add app api", () => Api = !Api));
            edits.Add((Admin ? "remove web app admin" : "add web app admin", () => Admin = !Admin));
            edits.Add((Cache ? "remove service cache" : "add service cache", () => Cache = !Cache));
            var n = ++_counter;
            edits.Add(($"add env E{n}", () => Env[$"E{n}"] = $"value-{n}"));
            if (Env.Count > 1) edits.Add(("remove an env var", () => Env.Remove(Env.Keys.Last(k => k != "REDIS_URL"))));
            edits.Add(($"change env REDIS_URL", () => Env["REDIS_URL"] = $"redis://saas-redis:6379/{n}"));
            edits.Add(($"add secret S{n}", () => Secrets[$"S{n}"] = $"secret-value-{n}"));
            if (Secrets.Count > 1) edits.Add(("remove a secret", () => Secrets.Remove(Secrets.Keys.Last(k => k != "SECRET_KEY_BASE"))));
            edits.Add((PreRun is null ? "add pre_run_command" : "change pre_run_command", () => PreRun = $"echo migrating {n}"));
            if (PreRun is not null) edits.Add(("remove pre_run_command", () => PreRun = null));
            var (name, apply) = edits[random.Next(edits.Count)];
            apply();
            return name;
        }

        public string Yaml()
        {
            var y = new StringBuilder();
            y.Append("""
                application:
                  name: saas
                  environment: production
                  keep_count: 3
                  domain_provider:
                    cloudflare:
                      api_token: placeholder-cloudflare-token
                      account_id: 023e105f4ecef8ad9ca31a8372d0c353
                  compute_provider:
                    hetzner:
                      api_token: placeholder-hetzner-token
                      server_type: cx22
                      server_location: nbg1
                  servers:
                    master:
                      master: true
                      type: cx32
                      volumes:
                        pgdata:
                          size: 20
                        redisdata:
                          size: 10
                    workers:

                """);
            y.Append($"      count: {Workers}\n");
            y.Append("""
                  app:
                    web:
                      servers: [workers]
                      domain: example.com
                      subdomain: app
                      port: 3000

                """);
            if (PreRun is not null) y.Append($"      pre_run_command: {PreRun}\n");
            y.Append("""
                      healthcheck:
                        type: http
                        path: /
                        port: 3000
                    jobs:
                      servers: [master]
                      command: sh -c "while true; do sleep 60; done"

                """);
            if (Api) y.Append("    api:\n      servers: [workers]\n      command: sh -c \"sleep infinity\"\n");
            if (Admin) y.Append("    admin:\n      servers: [master]\n      domain: example.com\n      subdomain: admin\n      port: 3000\n");
            y.Append("""
                  database:
                    servers: [master]
                    adapter: postgres
                    image: postgres:16-alpine
                    mount:
                      pgdata: /var/lib/postgresql/data
                    secrets:
                      POSTGRES_USER: saas
                      POSTGRES_PASSWORD: placeholder-db-password
                      POSTGRES_DB: saas_production
                  services:
                    redis:
                      servers: [master]
                      image: redis:7-alpine
                      command: redis-server --appendonly yes
                      port: 6379
                      mount:
                        redisdata: /data

                """);
            if (Cache) y.Append("    cache:\n      servers: [master]\n      image: memcached:1-alpine\n      port: 11211\n");
            y.Append("  env:\n");
            foreach (var (k, v) in Env) y.Append($"    {k}: {v}\n");
            y.Append("  secrets:\n");
            foreach (var (k, v) in Secrets) y.Append($"    {k}: {v}\n");
            y.Append("""
                  ssh_keys:
                    private_key: sandbox-placeholder-private-key
                    public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlaceholderPlaceholderPlaceholder0000 nvoi-deploy

                """);
            return y.ToString();
        }
    }
}
