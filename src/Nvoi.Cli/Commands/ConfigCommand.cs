using System.CommandLine;
using Nvoi.Cli.Hosting;
using Nvoi.Configuration;
using Nvoi.Configuration.Editing;

namespace Nvoi.Cli.Commands;

/// <summary>
/// <c>nvoi config …</c>: create deploy.enc and edit it one setting at a time. Every edit is
/// validated before it is written, written atomically, and printed (secret values masked).
/// </summary>
internal sealed class ConfigCommand : Command
{
    public ConfigCommand(CliHost host) : base("config", "Create and edit the deployment config (deploy.enc) from the command line.")
    {
        Subcommands.Add(Init(host));
        Subcommands.Add(Validate(host));
        Subcommands.Add(Provider(host));
        Subcommands.Add(Domain(host));
        Subcommands.Add(Server(host));
        Subcommands.Add(Volume(host));
        Subcommands.Add(App(host));
        Subcommands.Add(DatabaseCmd(host));
        Subcommands.Add(Service(host));
        Subcommands.Add(KeyValue(host, "secret", "Secrets: environment variables stored encrypted and injected into app containers.", (e, k, v) => e.SetSecret(k, v), (e, k) => e.RemoveSecret(k)));
        Subcommands.Add(KeyValue(host, "env", "Environment variables of every app container.", (e, k, v) => e.SetEnv(k, v), (e, k) => e.RemoveEnv(k)));
    }

    private static Option<string?> Opt(string name, string description, string helpName = "value") =>
        new(name) { Description = description, HelpName = helpName };

    private static Option<string[]> ServersOption() => new("--servers")
    {
        Description = "Server groups to run on (defined with `nvoi config server set`).",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
        HelpName = "group",
    };

    private static Command Init(CliHost host)
    {
        var name = new Option<string>("--name") { Description = "Application name (a DNS label: lowercase letters, digits, '-').", Required = true, HelpName = "name" };
        var environment = new Option<string>("--environment") { Description = "Environment name, given to containers as DEPLOY_ENV.", DefaultValueFactory = _ => "production", HelpName = "env" };
        var init = new Command("init", "Create deploy.enc, deploy.key (0600, added to .gitignore) and a fresh SSH key pair.");
        init.Options.Add(name);
        init.Options.Add(environment);
        CommandRunner.Bind(init, host, (ctx, _) =>
        {
            var created = ConfigFiles.Initialize(ctx, ctx.Parse.GetValue(name)!, ctx.Parse.GetValue(environment)!);
            ctx.Output.Success($"created {created.ConfigPath}");
            ctx.Output.Success($"created {created.KeyPath} (keep it secret: it decrypts deploy.enc)");
            ctx.Output.Line($"deploy public key: {created.PublicKey}");
            ctx.Output.Line("next: `nvoi config provider set …`, `nvoi config domain set cloudflare …`, `nvoi config server set master --master`");
            return Task.FromResult(ExitCodes.Success);
        });
        return init;
    }

    private static Command Validate(CliHost host)
    {
        var validate = new Command("validate", "Check the config against every rule (with --branch applied) and print every problem with its path.");
        CommandRunner.Bind(validate, host, (ctx, _) =>
        {
            var file = ConfigFiles.Open(ctx);
            var config = file.Load(ctx.Branch);
            if (ctx.Output.Mode == Rendering.OutputMode.Json)
                ctx.Output.WriteJson(new { valid = true, path = file.Path, application = config.Application.Name });
            ctx.Output.Success($"{file.Path} is valid (application {config.Application.Name})");
            return Task.FromResult(ExitCodes.Success);
        });
        return validate;
    }

    private static Command Provider(CliHost host)
    {
        var provider = new Argument<string>("provider") { Description = "hetzner, aws or scaleway." };
        provider.AcceptOnlyFromAmong(ConfigEditor.ComputeProviders);
        var apiToken = Opt("--api-token", "Hetzner API token.", "token");
        var serverType = Opt("--server-type", "Default server type (hetzner: cx22, scaleway: DEV1-S).", "type");
        var serverLocation = Opt("--server-location", "Hetzner location (fsn1, nbg1, hel1, ash, hil).", "location");
        var accessKeyId = Opt("--access-key-id", "AWS access key id.", "id");
        var secretAccessKey = Opt("--secret-access-key", "AWS secret access key.", "key");
        var region = Opt("--region", "AWS region, e.g. us-east-1.", "region");
        var instanceType = Opt("--instance-type", "AWS instance type, e.g. t3.small.", "type");
        var secretKey = Opt("--secret-key", "Scaleway secret key.", "key");
        var projectId = Opt("--project-id", "Scaleway project id.", "id");
        var zone = Opt("--zone", "Scaleway zone (default fr-par-1).", "zone");

        var set = new Command("set", "Set the compute provider (replaces any other one).");
        set.Arguments.Add(provider);
        foreach (var o in new[] { apiToken, serverType, serverLocation, accessKeyId, secretAccessKey, region, instanceType, secretKey, projectId, zone })
            set.Options.Add(o);
        BindEdit(set, host, (ctx, editor) =>
        {
            string? V(Option<string?> o) => ctx.Parse.GetValue(o);
            switch (ctx.Parse.GetValue(provider))
            {
                case "hetzner": editor.SetHetzner(new(V(apiToken), V(serverType), V(serverLocation))); break;
                case "aws": editor.SetAws(new(V(accessKeyId), V(secretAccessKey), V(region), V(instanceType))); break;
                default: editor.SetScaleway(new(V(secretKey), V(projectId), V(serverType), V(zone))); break;
            }
        });
        var rm = new Command("rm", "Remove the compute provider.");
        BindEdit(rm, host, (_, editor) => editor.RemoveComputeProvider());
        return Group("provider", "The compute provider: where servers are created.", set, rm);
    }

    private static Command Domain(CliHost host)
    {
        var provider = new Argument<string>("provider") { Description = "cloudflare." };
        provider.AcceptOnlyFromAmong(ConfigEditor.DomainProviders);
        var apiToken = new Option<string>("--api-token") { Description = "Cloudflare API token with Zone · Zone · Read, Zone · DNS · Edit and Account · Cloudflare Tunnel · Edit.", Required = true, HelpName = "token" };
        var accountId = new Option<string>("--account-id") { Description = "Cloudflare account id.", Required = true, HelpName = "id" };
        var set = new Command("set", "Set the domain provider.");
        set.Arguments.Add(provider);
        set.Options.Add(apiToken);
        set.Options.Add(accountId);
        BindEdit(set, host, (ctx, editor) => editor.SetCloudflare(ctx.Parse.GetValue(apiToken)!, ctx.Parse.GetValue(accountId)!));
        var rm = new Command("rm", "Remove the domain provider.");
        BindEdit(rm, host, (_, editor) => editor.RemoveDomainProvider());
        return Group("domain", "The domain provider: DNS records and tunnels.", set, rm);
    }

    private static Command Server(CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Server group name, e.g. master or workers." };
        var master = new Option<bool>("--master") { Description = "This group runs the k3s control plane (exactly one group)." };
        var type = Opt("--type", "Server type for this group (default: the provider's).", "type");
        var location = Opt("--location", "Location for this group (default: the provider's).", "location");
        var count = new Option<int>("--count") { Description = "Number of servers in the group.", DefaultValueFactory = _ => 1, HelpName = "n" };
        var set = new Command("set", "Add or update a server group (its volumes are kept).");
        set.Arguments.Add(name);
        set.Options.Add(master);
        set.Options.Add(type);
        set.Options.Add(location);
        set.Options.Add(count);
        BindEdit(set, host, (ctx, editor) => editor.SetServer(ctx.Parse.GetValue(name)!, ctx.Parse.GetValue(master),
            ctx.Parse.GetValue(type), ctx.Parse.GetValue(location), ctx.Parse.GetValue(count)));
        var rmName = new Argument<string>("name") { Description = "Server group name." };
        var rm = new Command("rm", "Remove a server group no app, database or service uses.");
        rm.Arguments.Add(rmName);
        BindEdit(rm, host, (ctx, editor) => editor.RemoveServer(ctx.Parse.GetValue(rmName)!));
        return Group("server", "Server groups: name, type, location, count.", set, rm);
    }

    private static Command Volume(CliHost host)
    {
        var server = new Argument<string>("server") { Description = "Server group that holds the volume (on its first server)." };
        var name = new Argument<string>("name") { Description = "Volume name, e.g. pgdata." };
        var size = new Option<int>("--size") { Description = "Size in GB (at least 10).", DefaultValueFactory = _ => 10, HelpName = "gb" };
        var set = new Command("set", "Add or resize a volume, mounted at /opt/nvoi/volumes/APP-SERVER-NAME.");
        set.Arguments.Add(server);
        set.Arguments.Add(name);
        set.Options.Add(size);
        BindEdit(set, host, (ctx, editor) => editor.SetVolume(ctx.Parse.GetValue(server)!, ctx.Parse.GetValue(name)!, ctx.Parse.GetValue(size)));
        var rmServer = new Argument<string>("server") { Description = "Server group." };
        var rmName = new Argument<string>("name") { Description = "Volume name." };
        var rm = new Command("rm", "Remove a volume from the config (the cloud volume is only deleted by `nvoi delete --delete-volumes`).");
        rm.Arguments.Add(rmServer);
        rm.Arguments.Add(rmName);
        BindEdit(rm, host, (ctx, editor) => editor.RemoveVolume(ctx.Parse.GetValue(rmServer)!, ctx.Parse.GetValue(rmName)!));
        return Group("volume", "Server volumes: block storage for data that outlives servers.", set, rm);
    }

    private static Command App(CliHost host)
    {
        var name = new Argument<string>("name") { Description = "App service name, e.g. web or worker." };
        var servers = ServersOption();
        var domain = Opt("--domain", "A zone of your Cloudflare account, e.g. example.com.", "domain");
        var subdomain = Opt("--subdomain", "Subdomain; \"\" or @ is the apex (example.com and *.example.com).", "sub");
        var port = new Option<int?>("--port") { Description = "Port the app listens on; none makes it a background worker.", HelpName = "port" };
        var command = Opt("--command", "Container command (default: the image's entrypoint).", "cmd");
        var preRun = Opt("--pre-run-command", "Run before each rollout with the new image, e.g. migrations; a failure stops the deploy.", "cmd");
        var set = new Command("set", "Add or update an app service built from your Dockerfile (its env, mounts and healthcheck are kept).");
        set.Arguments.Add(name);
        foreach (var o in new Option[] { servers, domain, subdomain, port, command, preRun }) set.Options.Add(o);
        BindEdit(set, host, (ctx, editor) => editor.SetApp(ctx.Parse.GetValue(name)!, new AppSettings(
            ctx.Parse.GetValue(servers)!, ctx.Parse.GetValue(domain), ctx.Parse.GetValue(subdomain), ctx.Parse.GetValue(port),
            ctx.Parse.GetValue(command), ctx.Parse.GetValue(preRun))));
        var rmName = new Argument<string>("name") { Description = "App service name." };
        var rm = new Command("rm", "Remove an app service.");
        rm.Arguments.Add(rmName);
        BindEdit(rm, host, (ctx, editor) => editor.RemoveApp(ctx.Parse.GetValue(rmName)!));
        return Group("app", "App services: processes built from your Dockerfile.", set, rm);
    }

    private static Command DatabaseCmd(CliHost host)
    {
        var servers = ServersOption();
        var adapter = new Option<string>("--adapter") { Description = "postgres, mysql or sqlite3.", Required = true, HelpName = "adapter" };
        adapter.AcceptOnlyFromAmong(ConfigEditor.DatabaseAdapters);
        var user = Opt("--user", "Database user.", "user");
        var password = Opt("--password", "Database password (stored encrypted).", "password");
        var database = Opt("--database", "Database name.", "name");
        var url = Opt("--url", "An external database URL instead of a managed one.", "url");
        var image = Opt("--image", "Database image (default postgres:15-alpine or mysql:8.0).", "image");
        var set = new Command("set", "Set the database.");
        foreach (var o in new Option[] { servers, adapter, user, password, database, url, image }) set.Options.Add(o);
        BindEdit(set, host, (ctx, editor) => editor.SetDatabase(new DatabaseSettings(
            ctx.Parse.GetValue(servers)!, ctx.Parse.GetValue(adapter)!, ctx.Parse.GetValue(user), ctx.Parse.GetValue(password),
            ctx.Parse.GetValue(database), ctx.Parse.GetValue(url), ctx.Parse.GetValue(image))));
        var rm = new Command("rm", "Remove the database from the config.");
        BindEdit(rm, host, (_, editor) => editor.RemoveDatabase());
        return Group("database", "The database: postgres, mysql or sqlite.", set, rm);
    }

    private static Command Service(CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Service name, e.g. redis." };
        var servers = ServersOption();
        var image = new Option<string>("--image") { Description = "Container image, e.g. redis:7-alpine.", Required = true, HelpName = "image" };
        var port = new Option<int?>("--port") { Description = "Port the service listens on.", HelpName = "port" };
        var command = Opt("--command", "Container command.", "cmd");
        var set = new Command("set", "Add or update an extra service.");
        set.Arguments.Add(name);
        foreach (var o in new Option[] { servers, image, port, command }) set.Options.Add(o);
        BindEdit(set, host, (ctx, editor) => editor.SetService(ctx.Parse.GetValue(name)!, new ServiceSettings(
            ctx.Parse.GetValue(servers)!, ctx.Parse.GetValue(image)!, ctx.Parse.GetValue(port), ctx.Parse.GetValue(command))));
        var rmName = new Argument<string>("name") { Description = "Service name." };
        var rm = new Command("rm", "Remove an extra service.");
        rm.Arguments.Add(rmName);
        BindEdit(rm, host, (ctx, editor) => editor.RemoveService(ctx.Parse.GetValue(rmName)!));
        return Group("service", "Extra services from public images (redis, ...).", set, rm);
    }

    private static Command KeyValue(CliHost host, string noun, string description, Action<ConfigEditor, string, string> setter, Action<ConfigEditor, string> remover)
    {
        var key = new Argument<string>("key") { Description = "Variable name." };
        var value = new Argument<string>("value") { Description = "Value." };
        var set = new Command("set", $"Set a{(noun == "env" ? "n env variable" : " secret")}.");
        set.Arguments.Add(key);
        set.Arguments.Add(value);
        BindEdit(set, host, (ctx, editor) => setter(editor, ctx.Parse.GetValue(key)!, ctx.Parse.GetValue(value)!));
        var rmKey = new Argument<string>("key") { Description = "Variable name." };
        var rm = new Command("rm", $"Remove a{(noun == "env" ? "n env variable" : " secret")}.");
        rm.Arguments.Add(rmKey);
        BindEdit(rm, host, (ctx, editor) => remover(editor, ctx.Parse.GetValue(rmKey)!));
        return Group(noun, description, set, rm);
    }

    private static Command Group(string name, string description, params Command[] children)
    {
        var group = new Command(name, description);
        foreach (var c in children) group.Subcommands.Add(c);
        return group;
    }

    /// <summary>Under deploy.enc's lock: load, edit, validate, write atomically; then print what changed.</summary>
    private static void BindEdit(Command command, CliHost host, Action<CommandContext, ConfigEditor> edit) =>
        CommandRunner.Bind(command, host, (ctx, _) =>
        {
            var file = ConfigFiles.Open(ctx);
            using var held = file.Lock(ctx.Output.Info);
            var config = file.LoadForEdit();
            var before = ConfigFlattener.Flatten(config);
            edit(ctx, new ConfigEditor(config));
            var changes = ConfigChange.Between(before, ConfigFlattener.Flatten(config));
            if (changes.Count == 0)
            {
                ctx.Output.Info("nothing changed");
                return Task.FromResult(ExitCodes.Success);
            }
            var saved = file.SaveEdited(config);
            if (!saved.KeptLayout) ctx.Output.Info($"rewrote the whole file, comments not kept: {saved.RewriteReason}");
            if (ctx.Output.Mode == Rendering.OutputMode.Json)
                ctx.Output.WriteJson(new { changes = changes.Select(c => new { kind = c.Kind.ToString().ToLowerInvariant(), path = c.Path }) });
            foreach (var change in changes) ctx.Output.Line(change.ToString());
            ctx.Output.Success($"saved {file.Path}");
            return Task.FromResult(ExitCodes.Success);
        });
}
