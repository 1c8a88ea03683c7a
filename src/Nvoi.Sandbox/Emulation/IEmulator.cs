using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Nvoi.Sandbox.Emulation;

/// <summary>
/// One emulated external API (Hetzner, Scaleway, EC2, Cloudflare, Kubernetes). Each runs on its
/// own loopback port, speaking the provider's real paths, JSON shapes, status codes and error bodies.
/// </summary>
public interface IEmulator
{
    /// <summary>Key in the `nvoi sandbox serve` map: hetzner, scaleway, aws, cloudflare, kubernetes.</summary>
    string Key { get; }

    /// <summary>Path appended to the host's address to form the base URL clients use (e.g. "/v1", "/client/v4", "").</summary>
    string BasePath { get; }

    void MapRoutes(IEndpointRouteBuilder routes);

    /// <summary>The provider's error body for an injected fault, written to the response.</summary>
    Task WriteErrorAsync(HttpContext context, int status, string code, string message);

    /// <summary>Serialises the whole state (JSON), for persistence under a state directory.</summary>
    string SaveState();

    /// <summary>Restores state written by <see cref="SaveState"/>.</summary>
    void LoadState(string json);
}
