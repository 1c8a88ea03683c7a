using System.CommandLine;
using System.Text.Json.Nodes;
using Nvoi.Cli.Hosting;
using Nvoi.Configuration;
using Nvoi.Credentials;
using Nvoi.Dns;
using Nvoi.Doctor;
using Nvoi.Operations;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Commands;

/// <summary>
/// `nvoi doctor`: checks the local prerequisites (docker, ssh, deploy.key, the config) and the
/// accounts' tokens, one line each with how to fix a failure. Exit 1 when a check fails.
/// </summary>
internal sealed class DoctorCommand : Command
{
    public DoctorCommand(CliHost host) : base("doctor", "Check the prerequisites: Docker, ssh, deploy.key, the config and the provider and Cloudflare tokens.")
    {
        var sandbox = SharedOptions.Sandbox();
        sandbox.Description = "Check the provider and Cloudflare tokens against the local emulators instead of the real APIs.";
        Options.Add(sandbox);
        CommandRunner.Bind(this, host, async (ctx, ct) =>
        {
            var checks = await RunChecksAsync(ctx, ctx.Parse.GetValue(sandbox), ct);
            Print(ctx, checks);
            return checks.Any(c => c.Status == CheckStatus.Failed) ? ExitCodes.Failure : ExitCodes.Success;
        });
    }

    private static async Task<List<DoctorCheck>> RunChecksAsync(CommandContext ctx, bool sandbox, CancellationToken ct)
    {
        var path = ctx.Host.GetEnvironmentVariable("PATH");
        var checks = new List<DoctorCheck>
        {
            Sandboxed(await LocalChecks.DockerAsync(path, ct), sandbox),
            LocalChecks.Ssh(path),
        };
        DeployConfig? config = null;
        try
        {
            var file = ConfigFiles.Open(ctx);
            if (!file.IsPlaintext)
            {
                var key = new KeyResolver(ctx.WorkingDirectory, ctx.Host.GetEnvironmentVariable).ResolveKey(file.Path, ctx.MasterKeyPath);
                if (key.Path is not null) checks.Add(LocalChecks.KeyFileMode(key.Path));
            }
            config = file.Load(ctx.Branch);
            checks.Add(DoctorCheck.Ok("config", $"{file.Path} is valid"));
        }
        catch (NvoiException e)
        {
            checks.Add(DoctorCheck.Fail("config", e.Message,
                "fix the config with `nvoi credentials edit` (or create one with `nvoi onboard`); the tokens are checked once it loads"));
        }
        if (config is not null) checks.AddRange(await AccountsAsync(ctx, config, sandbox, ct));
        return checks;
    }

    /// <summary>--sandbox simulates the image build: a missing Docker is only a warning there.</summary>
    private static DoctorCheck Sandboxed(DoctorCheck docker, bool sandbox) =>
        sandbox && docker.Status == CheckStatus.Failed
            ? docker with { Status = CheckStatus.Warning, Detail = docker.Detail + " (not needed with --sandbox)" }
            : docker;

    private static async Task<DoctorCheck[]> AccountsAsync(CommandContext ctx, DeployConfig config, bool sandbox, CancellationToken ct)
    {
        var app = config.Application;
        var providerName = app.ComputeProvider switch
        {
            { Hetzner: not null } => "hetzner",
            { Scaleway: not null } => "scaleway",
            { Aws: not null } => "aws",
            _ => "provider",
        };
        if (sandbox)
        {
            var directory = Directory.CreateTempSubdirectory("nvoi-doctor-").FullName;
            try
            {
                await using var world = await SandboxWorld.OpenAsync(config, directory, ctx.Host.Time);
                return [await AccountChecks.ProviderAsync(providerName, world.Cloud, ct), await AccountChecks.CloudflareAsync(world.Cloudflare, ct)];
            }
            finally
            {
                try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            }
        }
        var cloud = RealWorld.CreateProvider(app.ComputeProvider!, ctx.Host.Time);
        try
        {
            var cf = app.DomainProvider!.Cloudflare!;
            using var cloudflare = new CloudflareClient(new CloudflareSettings(cf.ApiToken!, cf.AccountId!) { Time = ctx.Host.Time });
            return [await AccountChecks.ProviderAsync(providerName, cloud, ct), await AccountChecks.CloudflareAsync(cloudflare, ct)];
        }
        finally
        {
            (cloud as IDisposable)?.Dispose();
        }
    }

    private static void Print(CommandContext ctx, IReadOnlyList<DoctorCheck> checks)
    {
        var output = ctx.Host.Out;
        if (ctx.Parse.GetValue(GlobalOptions.Json))
        {
            // JsonNode, not reflection: this command stays Native AOT clean.
            var items = new JsonArray(checks.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["status"] = Status(c.Status),
                ["detail"] = c.Detail,
                ["fix"] = c.Fix,
            }).ToArray());
            output.WriteLine(new JsonObject { ["ok"] = checks.All(c => c.Status != CheckStatus.Failed), ["checks"] = items }.ToJsonString());
            return;
        }
        var width = checks.Max(c => c.Name.Length);
        foreach (var check in checks)
        {
            var mark = check.Status switch { CheckStatus.Ok => "✓", CheckStatus.Warning => "!", _ => "✗" };
            output.WriteLine($"{mark} {check.Name.PadRight(width)}  {check.Detail}");
            if (check.Fix is not null) output.WriteLine($"  {new string(' ', width)}  fix: {check.Fix}");
        }
    }

    private static string Status(CheckStatus status) => status switch
    {
        CheckStatus.Ok => "ok",
        CheckStatus.Warning => "warning",
        _ => "failed",
    };
}
