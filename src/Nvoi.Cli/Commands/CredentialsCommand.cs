using System.CommandLine;
using System.Diagnostics;
using Nvoi.Cli.Hosting;
using Nvoi.Configuration;

namespace Nvoi.Cli.Commands;

/// <summary><c>nvoi credentials edit|show|set</c>: the decrypted deploy.enc as YAML text.</summary>
internal sealed class CredentialsCommand : Command
{
    public CredentialsCommand(CliHost host) : base("credentials", "Edit, show or set values in the encrypted config (deploy.enc).")
    {
        var edit = new Command("edit",
            "Open the decrypted config in $EDITOR (default vi); re-opens until it validates; an unchanged file is not rewritten. " +
            "The first run creates deploy.enc, deploy.key and a fresh SSH key pair.");
        CommandRunner.Bind(edit, host, (ctx, ct) => Edit(ctx, ct));

        var show = new Command("show", "Print the decrypted config (it contains your secrets: mind your screen).");
        CommandRunner.Bind(show, host, (ctx, _) =>
        {
            var file = ConfigFiles.Open(ctx);
            ctx.Output.Stdout.Write(file.ReadText());
            return Task.FromResult(ExitCodes.Success);
        });

        var path = new Argument<string>("path") { Description = "Dot path under application, e.g. database.secrets.POSTGRES_DB or servers.master.count." };
        var value = new Argument<string>("value") { Description = "The new value." };
        var set = new Command("set", "Set one value by its dot path; the result is validated before it is written.");
        set.Arguments.Add(path);
        set.Arguments.Add(value);
        CommandRunner.Bind(set, host, (ctx, _) =>
        {
            var file = ConfigFiles.Open(ctx);
            using var held = file.Lock(ctx.Output.Info);
            var key = Configuration.Editing.YamlPathEditor.Normalize(ctx.Parse.GetValue(path)!);
            var text = Configuration.Editing.YamlPathEditor.Set(file.ReadText(), key, ctx.Parse.GetValue(value)!);
            file.WriteText(text);
            var shown = Configuration.Editing.SecretPaths.IsSecret("application." + key) ? "********" : ctx.Parse.GetValue(value);
            ctx.Output.Line($"~ application.{key} = {shown}");
            ctx.Output.Success($"saved {file.Path}");
            return Task.FromResult(ExitCodes.Success);
        });

        Subcommands.Add(edit);
        Subcommands.Add(show);
        Subcommands.Add(set);
    }

    private static async Task<int> Edit(CommandContext ctx, CancellationToken ct)
    {
        var existing = ConfigFiles.TryOpen(ctx);
        // Held for the whole session: a `config … set` or a deploy pinning a host key meanwhile waits (and
        // says so) instead of being overwritten by the text the editor started from.
        using var held = existing?.Lock(ctx.Output.Info) ?? Credentials.CredentialLock.Acquire(ConfigFiles.NewPath(ctx), ctx.Output.Info);
        var original = existing?.ReadText() ?? ConfigFiles.NewTemplate();
        // The plaintext holds every secret: a 0600 file in a 0700 directory, removed on exit and on any signal.
        using var scratch = EditorScratch.Create(original);
        var temp = scratch.FilePath;
        var previous = original;
        while (true)
        {
            await RunEditorAsync(ctx, temp, ct);
            var edited = File.ReadAllText(temp);
            if (edited == original)
            {
                ctx.Output.Info("no changes");
                return ExitCodes.Success;
            }
            var errors = ConfigFiles.Check(ctx, edited);
            if (errors is null)
            {
                if (existing is null)
                {
                    var created = ConfigFiles.Create(ctx, edited);
                    ctx.Output.Success($"created {created.ConfigPath} and {created.KeyPath}");
                }
                else
                {
                    existing.WriteText(edited, complete: true);
                    ctx.Output.Success($"saved {existing.Path}");
                }
                return ExitCodes.Success;
            }
            ctx.Output.Error("the config is not valid:");
            ctx.Output.Stderr.WriteLine(errors);
            if (edited == previous)
            {
                // The editor closed without a new attempt: stop rather than loop forever.
                ctx.Output.Error("nothing was written");
                return ExitCodes.InvalidInput;
            }
            ctx.Output.Info("re-opening the editor to fix it (close it unchanged to give up)");
            previous = edited;
        }
    }

    private static async Task RunEditorAsync(CommandContext ctx, string file, CancellationToken ct)
    {
        var editor = ctx.Host.GetEnvironmentVariable("VISUAL") is { Length: > 0 } visual ? visual
            : ctx.Host.GetEnvironmentVariable("EDITOR") is { Length: > 0 } e ? e : "vi";
        var parts = editor.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var start = new ProcessStartInfo(parts[0]) { UseShellExecute = false };
        foreach (var arg in parts.Skip(1)) start.ArgumentList.Add(arg);
        start.ArgumentList.Add(file);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new NvoiException($"could not start the editor '{parts[0]}' (set EDITOR)");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new NvoiException($"could not start the editor '{parts[0]}': {error.Message} (set EDITOR to your editor)");
        }
        using var _ = process;
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new NvoiException($"the editor '{parts[0]}' exited with code {process.ExitCode}; nothing was written");
    }
}
