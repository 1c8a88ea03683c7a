using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.Hetzner;

namespace Nvoi.Cloud.Tests.Hetzner;

public sealed class HetznerRecoveryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData("servers")]
    [InlineData("volumes")]
    [InlineData("networks")]
    [InlineData("firewalls")]
    public async Task A_create_whose_answer_is_lost_is_found_by_name_not_repeated(string kind)
    {
        LoseFirstAnswer? loser = null;
        await using var sb = await HetznerSandbox.StartAsync(wrap: inner => loser = new LoseFirstAnswer(inner,
            r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/v1/" + kind, StringComparison.Ordinal)));
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("net", "fsn1", Ct);
        var fw = await p.CreateFirewallAsync("fw", net, Ct);
        var server = await p.CreateServerAsync(new ServerSpec("web", "cx22", "fsn1", "", net, fw, new Dictionary<string, string>()), Ct);
        var volume = await p.CreateVolumeAsync(new VolumeSpec("data", 10, "fsn1", new Dictionary<string, string>()), Ct);
        Assert.Equal((server.Name, volume.Name), ("web", "data"));
        Assert.True(loser!.Lost);
        var names = sb.Emulator.ResourceNames();
        Assert.All(names.Values, list => Assert.Single(list));
        Assert.Equal(sb.Statuses.Values.Sum(), sb.Statuses.GetValueOrDefault(200) + sb.Statuses.GetValueOrDefault(201)); // no 409: it looked first
    }

    [Fact]
    public async Task Emulator_state_survives_save_and_load()
    {
        await using var sb = await HetznerSandbox.StartAsync();
        var p = sb.Provider;
        var net = await p.CreateNetworkAsync("net", "fsn1", Ct);
        var fw = await p.CreateFirewallAsync("fw", net, Ct);
        var server = await p.CreateServerAsync(new ServerSpec("web", "cx22", "fsn1", "", net, fw, new Dictionary<string, string>()), Ct);
        var volume = await p.AttachVolumeAsync(await p.CreateVolumeAsync(new VolumeSpec("data", 10, "fsn1", new Dictionary<string, string>()), Ct), server, Ct);

        var restored = new HetznerEmulator(new EmulatorOptions { Time = sb.Clock });
        restored.LoadState(sb.Emulator.SaveState());
        await using var host = await EmulatorHost.StartAsync(restored, new EmulatorOptions { Time = sb.Clock });
        using var q = new Nvoi.Cloud.Hetzner.HetznerCloudProvider(host.BaseUrl, "t", new SocketsHttpHandler(), sb.Clock, HetznerSandbox.NoDelay);
        Assert.Equal(server with { Status = ServerStatus.Running }, await q.FindServerAsync("web", Ct));
        Assert.Equal(volume, await q.FindVolumeAsync("data", Ct));
        Assert.Equal(net, await q.FindNetworkAsync("net", Ct));
        var next = await q.CreateVolumeAsync(new VolumeSpec("more", 10, "fsn1", new Dictionary<string, string>()), Ct);
        Assert.NotEqual(volume.Id, next.Id);
    }
}
