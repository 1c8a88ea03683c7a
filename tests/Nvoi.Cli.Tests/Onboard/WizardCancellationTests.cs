using Nvoi.Cloud;
using Nvoi.Dns;
using Nvoi.Onboarding;
using Spectre.Console.Testing;

namespace Nvoi.Cli.Tests.Onboard;

/// <summary>Ctrl+C while a live check runs under the spinner.</summary>
public sealed class WizardCancellationTests(EmulatorFixture emulators) : IClassFixture<EmulatorFixture>
{
    /// <summary>Real clients, except that asking for a Cloudflare client is when the user presses Ctrl+C.</summary>
    private sealed class InterruptedClients(IOnboardingClients inner, CancellationTokenSource cts) : IOnboardingClients
    {
        public bool Supports(ComputeProviderKind kind) => inner.Supports(kind);
        public ICloudProvider CreateCompute(ComputeProviderKind kind, IReadOnlyDictionary<string, string> credentials, string location) =>
            inner.CreateCompute(kind, credentials, location);
        public ICloudflare CreateCloudflare(string apiToken, string accountId)
        {
            cts.Cancel();
            return inner.CreateCloudflare(apiToken, accountId);
        }
    }

    [Fact]
    public async Task Ctrl_C_during_a_live_check_stops_the_wizard_with_nothing_written()
    {
        using var cts = new CancellationTokenSource();
        var dir = Directory.CreateTempSubdirectory("nvoi-onboard-cancel-").FullName;
        try
        {
            using var console = new TestConsole().Interactive().Width(200);
            new WizardScript(console).Type("stopped").HetznerCompute().Cloudflare();
            var clients = new InterruptedClients(new OnboardingClients(emulators.Endpoints), cts);
            var wizard = new Cli.Onboard.OnboardWizard(console, clients, dir, Path.Combine(dir, "deploy.enc"), sandbox: false, cts.Token);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(wizard.RunAsync);

            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
            Assert.Equal("stopped", wizard.State.Name);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
