using Nvoi.Cli.Onboard;
using Nvoi.Configuration;
using Nvoi.Onboarding;
using Spectre.Console.Testing;

namespace Nvoi.Cli.Tests.Onboard;

/// <summary>The emulators (Hetzner, Scaleway, Cloudflare, and any other in SandboxEmulators) on loopback, for one test class.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    internal SandboxEndpoints Sandbox { get; private set; } = null!;
    public OnboardingEndpoints Endpoints => Sandbox.Endpoints;

    public async Task InitializeAsync() => Sandbox = await SandboxEndpoints.StartAsync();
    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

/// <summary>Keystrokes for a Spectre TestConsole, written as the user would answer.</summary>
public sealed class WizardScript(TestConsole console)
{
    public TestConsole Console => console;

    /// <summary>Types a line and Enter.</summary>
    public WizardScript Type(string text) { console.Input.PushTextWithEnter(text); return this; }

    /// <summary>Enter on an empty prompt: the default, or blank.</summary>
    public WizardScript Enter() { console.Input.PushKey(ConsoleKey.Enter); return this; }

    /// <summary>In a selection list: types to search, then Enter.</summary>
    public WizardScript Choose(string search) { console.Input.PushText(search); console.Input.PushKey(ConsoleKey.Enter); return this; }
}

/// <summary>A wizard on a TestConsole against the emulators, in a temporary working directory.</summary>
public sealed class WizardRun : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("nvoi-onboard-").FullName;
    public TestConsole Console { get; } = new TestConsole().Interactive().Width(200);
    public WizardScript Script { get; }
    public string ConfigPath => Path.Combine(Dir, "deploy.enc");
    public string KeyPath => Path.Combine(Dir, "deploy.key");
    internal OnboardWizard Wizard { get; }

    public WizardRun(OnboardingEndpoints endpoints, bool sandbox = false, CancellationToken ct = default)
    {
        Script = new WizardScript(Console);
        Wizard = new OnboardWizard(Console, new OnboardingClients(endpoints), Dir, ConfigPath, sandbox, ct);
    }

    /// <summary>Runs the wizard; a script that ran out of keystrokes fails with the end of the screen.</summary>
    internal async Task<OnboardResult> RunAsync()
    {
        try
        {
            return await Wizard.RunAsync();
        }
        catch (InvalidOperationException e) when (e.Message.Contains("No input available", StringComparison.Ordinal))
        {
            var lines = Screen.Split('\n');
            throw new InvalidOperationException("the script ran out of keystrokes; screen ends with:\n" + string.Join('\n', lines.TakeLast(60)), e);
        }
    }

    public string Screen => Console.Output;

    /// <summary>The saved config, loaded and validated as deploy does.</summary>
    public DeployConfig LoadSaved() =>
        ConfigSource.FromText(ConfigFile.Open(Dir, null, null, _ => null).ReadText());

    public void Dispose()
    {
        Console.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Answer sequences shared by the tests.</summary>
public static class Answers
{
    public const string HetznerToken = "hz-test-token-6f1d2c";
    public const string CloudflareToken = "cf-test-token-9a8b7c";
    public const string DbPassword = "Db-Passw0rd-typed-in-wizard";
    public const string SecretValue = "sk-live-secret-value-42";
    public const string AccountId = Nvoi.Sandbox.Cloudflare.CloudflareEmulator.DefaultAccountId;

    public static WizardScript HetznerCompute(this WizardScript s, string token = HetznerToken) =>
        s.Choose("Hetzner").Type(token).Choose("fsn1").Choose("cx22");

    public static WizardScript Cloudflare(this WizardScript s, string token = CloudflareToken) =>
        s.Type(token).Type(AccountId);

    /// <summary>App "web" on port 3000 at sub.example.com, with a command and a pre-run command.</summary>
    public static WizardScript WebApp(this WizardScript s, string subdomain = "www") =>
        s.Enter().Type("bundle exec puma").Type("3000").Choose("example.com").Type(subdomain).Type("bin/rails db:migrate");

    public static WizardScript Postgres(this WizardScript s) =>
        s.Choose("PostgreSQL").Enter().Enter().Enter().Type(DbPassword);

    public static WizardScript EnvAndSecret(this WizardScript s) =>
        s.Choose("Add a variable").Type("RAILS_ENV").Type("production")
         .Choose("Add a secret").Type("SECRET_KEY_BASE").Type(SecretValue)
         .Choose("Done");
}
