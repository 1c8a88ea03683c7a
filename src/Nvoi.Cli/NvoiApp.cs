using System.CommandLine;
using System.Reflection;

namespace Nvoi.Cli;

/// <summary>Builds the command tree and runs it.</summary>
public static class NvoiApp
{
    public static string Version =>
        typeof(NvoiApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("nvoi: deploy a Docker app to your own servers.");
        var version = new Command("version", "Print the nvoi version.");
        version.SetAction(_ => Console.Out.WriteLine($"nvoi {Version}"));
        root.Subcommands.Add(version);
        return await root.Parse(args).InvokeAsync();
    }
}
