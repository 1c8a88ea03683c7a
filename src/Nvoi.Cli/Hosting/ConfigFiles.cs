using Nvoi.Configuration;
using Nvoi.Credentials;

namespace Nvoi.Cli.Hosting;

/// <summary>The config file of an invocation, from the global options (-c, -d, --master-key).</summary>
internal static class ConfigFiles
{
    public static ConfigFile Open(CommandContext ctx) =>
        ConfigFile.Open(ctx.WorkingDirectory, ctx.ConfigPath, ctx.MasterKeyPath, ctx.Host.GetEnvironmentVariable);

    /// <summary>The existing config, or null when there is none yet (first `credentials edit`).</summary>
    public static ConfigFile? TryOpen(CommandContext ctx)
    {
        if (ctx.ConfigPath is not null && ConfigSource.IsPlaintext(ctx.ConfigPath)) return Open(ctx);
        var path = ConfigFile.NewPath(ctx.WorkingDirectory, ctx.ConfigPath, ctx.Host.GetEnvironmentVariable);
        return File.Exists(path) ? Open(ctx) : null;
    }

    /// <summary>Where a new deploy.enc would be created.</summary>
    public static string NewPath(CommandContext ctx) => ConfigFile.NewPath(ctx.WorkingDirectory, ctx.ConfigPath, ctx.Host.GetEnvironmentVariable);

    public static string NewTemplate() => CredentialsTemplate.Render();

    /// <summary>The errors of a complete config, one per line, or null when it is valid.</summary>
    public static string? Check(CommandContext ctx, string text)
    {
        try
        {
            ConfigSource.FromText(text);
            return null;
        }
        catch (ConfigException e)
        {
            return e.Message;
        }
    }

    public static ConfigFile.Created Create(CommandContext ctx, string text) =>
        ConfigFile.Create(ctx.WorkingDirectory, ConfigFile.NewPath(ctx.WorkingDirectory, ctx.ConfigPath, ctx.Host.GetEnvironmentVariable), text);

    public static ConfigFile.Created Initialize(CommandContext ctx, string name, string environment) =>
        ConfigFile.Initialize(ctx.WorkingDirectory, ConfigFile.NewPath(ctx.WorkingDirectory, ctx.ConfigPath, ctx.Host.GetEnvironmentVariable), name, environment);
}
