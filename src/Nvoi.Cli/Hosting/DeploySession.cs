using Nvoi.Configuration;
using Nvoi.Operations;
using Nvoi.Operations.Deploy;
using Nvoi.Sandbox.World;

namespace Nvoi.Cli.Hosting;

/// <summary>
/// What a command that touches the world needs: the loaded config (with --branch), the world
/// (real or sandbox) and deploy options whose host-key pins are saved into deploy.enc.
/// </summary>
internal sealed class DeploySession : IAsyncDisposable
{
    private readonly SemaphoreSlim _saveLock = new(1, 1);
    private readonly CommandContext _ctx;
    private bool _warnedPlaintext;

    public ConfigFile File { get; }
    public DeployConfig Config { get; }
    public IWorld World { get; }
    public bool Sandbox { get; }

    private DeploySession(CommandContext ctx, ConfigFile file, DeployConfig config, bool sandbox, IReadOnlySet<string> retrust)
    {
        _ctx = ctx;
        File = file;
        Config = config;
        Sandbox = sandbox;
        World = sandbox
            ? SandboxWorld.OpenAsync(config, SandboxDirectory(ctx), ctx.Host.Time, ctx.Host.SandboxSettings).GetAwaiter().GetResult()
            : new RealWorld(config, ctx.Host.Time, retrust, (server, key) => _ = PinAsync(server, key));
    }

    public static string SandboxDirectory(CommandContext ctx) => Path.Combine(ctx.WorkingDirectory, ".nvoi", "sandbox");

    public static DeploySession Open(CommandContext ctx, bool sandbox, IReadOnlySet<string>? retrust = null)
    {
        var file = ConfigFiles.Open(ctx);
        var config = file.Load(ctx.Branch);
        return new DeploySession(ctx, file, config, sandbox, retrust ?? new HashSet<string>());
    }

    public DeployOptions Options(string? dockerfile = null) => new()
    {
        WorkingDirectory = _ctx.WorkingDirectory,
        DockerfilePath = dockerfile is null ? null : Path.GetFullPath(dockerfile, _ctx.Host.CurrentDirectory),
        NvoiVersion = NvoiApp.Version,
        PinHostKey = PinAsync,
        Holder = LockProcess.Current(),
        // The sandbox's traffic check is exact: no need to wait between its answers.
        VerifyInterval = Sandbox ? TimeSpan.Zero : TimeSpan.FromSeconds(5),
    };

    /// <summary>Saves a pinned host key into the config file (not for plaintext configs: they are not written).</summary>
    private async Task PinAsync(string server, string publicKey)
    {
        if (File.IsPlaintext)
        {
            if (!_warnedPlaintext && !Sandbox)
                _ctx.Output.Warning($"{File.Path} is plaintext: pinned host keys are kept for this run only; add them under ssh_keys.host_keys");
            _warnedPlaintext = true;
            return;
        }
        await _saveLock.WaitAsync();
        try
        {
            // The file holds the config without --branch: pins are stored by server name, which is branch-specific already.
            // Under deploy.enc's lock, merged into what is on disk now: a `config … set` meanwhile is kept.
            await Task.Run(() => File.PinHostKey(server, publicKey, _ctx.Output.Info));
        }
        finally
        {
            _saveLock.Release();
        }
    }

    public ValueTask DisposeAsync() => World.DisposeAsync();
}
