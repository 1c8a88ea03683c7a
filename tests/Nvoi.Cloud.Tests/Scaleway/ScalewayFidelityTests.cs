using System.Diagnostics;
using System.Text.Json.Nodes;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.Scaleway;
using Xunit.Abstractions;

namespace Nvoi.Cloud.Tests.Scaleway;

/// <summary>
/// Scaleway's official JavaScript SDK (@scaleway/sdk-*, installed by scripts/install-test-prereqs.sh)
/// drives the emulator, so the emulator cannot drift from what the real clients send and read.
/// Fails, not skips, when node or the packages are missing.
/// </summary>
public sealed class ScalewayFidelityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Official_sdk_runs_network_group_server_nic_and_volume_lifecycles()
    {
        var options = new EmulatorOptions();
        await using var host = await EmulatorHost.StartAsync(new ScalewayEmulator(options), options);
        var result = await RunNodeAsync("lifecycle.mjs", host.BaseUrl);
        output.WriteLine(result.ToJsonString());

        var network = result["network"]!;
        Assert.Equal("fr-par", S(network, "region"));
        Assert.Equal("10.0.1.0/24", S(network, "subnet"));
        Assert.Equal([S(network, "id")], result["networksByName"]!.AsArray().Select(n => n!.GetValue<string>()));

        var group = result["securityGroup"]!;
        Assert.Equal("drop", S(group, "inbound"));
        Assert.Equal("accept", S(group, "outbound"));
        Assert.Equal(22, group["rulePort"]!.GetValue<int>());
        Assert.Equal(1, group["inboundRules"]!.GetValue<int>());

        var server = result["server"]!;
        Assert.Equal("stopped", S(server, "createdState"));
        Assert.Equal("running", S(server, "state"));
        Assert.Equal("x86_64", S(server, "arch"));
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", S(server, "publicIp"));
        Assert.True(server["securityGroup"]!.GetValue<bool>());
        Assert.Equal(1, server["nics"]!.GetValue<int>());
        Assert.Equal("available", S(server, "nicState"));
        Assert.Equal("#cloud-config\n", S(server, "userData"));
        Assert.Matches(@"^10\.0\.1\.\d+/24$", S(server, "privateIp"));
        Assert.True(server["creationDate"]!.GetValue<bool>());

        var volume = result["volume"]!;
        Assert.Equal(10_000_000_000L, volume["size"]!.GetValue<long>());
        Assert.Equal("available", S(volume, "status"));
        Assert.Equal(["0", "1"], volume["attachedKeys"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal("in_use", S(volume, "inUse"));
        Assert.True(volume["reference"]!.GetValue<bool>());
        Assert.Equal(["0"], volume["detachedKeys"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal("available", S(volume, "freeStatus"));
        Assert.Equal("ResourceNotFoundError", S(volume, "deleted"));

        Assert.Equal(12, result["catalogue"]!["totalCount"]!.GetValue<int>());
        Assert.Equal(5, result["catalogue"]!["onePage"]!.GetValue<int>());
        Assert.Equal(5, result["paging"]!["groups"]!.GetValue<int>()); // 1 + 4 read 2 by 2

        var errors = result["errors"]!;
        Assert.Equal("ResourceNotFoundError", S(errors["server404"]!, "name"));
        Assert.Equal("ResourceNotFoundError", S(errors["network404"]!, "name"));
        Assert.Equal("InvalidArgumentsError", S(errors["badVolume"]!, "name"));
        Assert.Equal(400, errors["badType"]!["status"]!.GetValue<int>());
        Assert.Contains("commercial_type", S(errors["badType"]!, "message"));
        Assert.Equal("DeniedAuthenticationError", S(errors["anonymous"]!, "name"));
        Assert.Equal(401, errors["anonymous"]!["status"]!.GetValue<int>());

        var teardown = result["teardown"]!;
        Assert.Equal("ResourceNotFoundError", S(teardown, "server"));
        Assert.Null(teardown["group"]);
        Assert.Null(teardown["network"]);
        Assert.Equal(0, teardown["networksLeft"]!.GetValue<int>());
    }

    private static string S(JsonNode node, string key) =>
        node[key]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"missing {key} in {node.ToJsonString()}");

    private static async Task<JsonObject> RunNodeAsync(string script, Uri emulator)
    {
        var root = RepoRoot();
        var start = new ProcessStartInfo("node", [Path.Combine(root, "tests", "fidelity", "scaleway", script)])
        {
            WorkingDirectory = Path.Combine(root, "tests", "fidelity"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["SCW_API_URL"] = emulator.AbsoluteUri.TrimEnd('/');
        start.Environment["SCW_SECRET_KEY"] = ScalewayTestBed.Token;
        start.Environment["SCW_PROJECT_ID"] = ScalewayTestBed.Project;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node {script} exited with {process.ExitCode}:\n{await stderr}\n{output}");
        return (JsonObject)JsonNode.Parse(output.Trim().Split('\n')[^1])!;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Nvoi.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Nvoi.slnx) not found");
    }
}
