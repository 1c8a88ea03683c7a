using Nvoi.Build;

namespace Nvoi.Operations.Deploy;

/// <summary>Step "validate" and the checks before the first create that need no API.</summary>
public sealed partial class Deployer
{
    /// <summary>Validates the provider settings against its API (credentials, server types, locations).</summary>
    public Task ValidateProviderAsync(CancellationToken ct) =>
        _steps.RunAsync("validate", null, $"Check {_world.Cloud.Name} credentials, server types and locations", async () =>
        {
            // Every question at once; a refused credential is the error reported, whatever the others say.
            var credentials = _world.Cloud.ValidateCredentialsAsync(ct);
            var checks = _desired.Servers.Select(s => s.Location).Distinct().Select(l => _world.Cloud.ValidateLocationAsync(l, ct))
                .Concat(_desired.Servers.Select(s => (s.ServerType, s.Location)).Distinct().Select(t => _world.Cloud.ValidateServerTypeAsync(t.ServerType, t.Location, ct)))
                .ToList();
            try
            {
                await Task.WhenAll(checks.Append(credentials));
            }
            catch
            {
                // Reported below, in that order.
            }
            await credentials;
            foreach (var check in checks) await check; // the first failure in config order
            return "ok";
        });

    /// <summary>The build context and the Dockerfile exist (a missing one would fail only at the build, after every server).</summary>
    private void CheckBuildInputs() =>
        new Nvoi.Build.BuildRequest(_options.WorkingDirectory, "", _desired.Names.Prefix, "", "", _options.DockerfilePath).EnsureInputsExist();
}
