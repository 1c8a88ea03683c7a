using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nvoi.Sandbox.Emulation;
using Nvoi.Sandbox.Hosts;

namespace Nvoi.Sandbox.Registry;

/// <summary>
/// The read side of a cluster's registry:2 (Docker Registry HTTP API v2), behind the master's NodePort 30500:
/// tag lists, image manifests and config blobs, answered from the master's registry storage
/// (<see cref="SimulatedHostState.Registry"/>), with the registry's error bodies. Pushes come from the simulated build.
/// </summary>
public sealed class RegistryEmulator(Func<CancellationToken, Task<SimulatedHostState>> readStorage) : IEmulator
{
    public const string ManifestType = "application/vnd.oci.image.manifest.v1+json";

    public string Key => "registry";
    public string BasePath => "";

    public void MapRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2/", () => Results.Json(new { }));
        routes.MapGet("/v2/{name}/tags/list", async (HttpContext context, string name) =>
        {
            var storage = (await readStorage(context.RequestAborted)).Registry;
            if (!storage.TryGetValue(name, out var tags)) { await ErrorAsync(context, 404, "NAME_UNKNOWN", "repository name not known to registry"); return; }
            await context.Response.WriteAsJsonAsync(new { name, tags = tags.Keys.ToArray() });
        });
        routes.MapMethods("/v2/{name}/manifests/{reference}", ["GET", "HEAD"], async (HttpContext context, string name, string reference) =>
        {
            var image = await FindAsync(name, reference, context.RequestAborted);
            if (image is null) { await ErrorAsync(context, 404, "MANIFEST_UNKNOWN", "manifest unknown"); return; }
            var body = Manifest(image);
            context.Response.ContentType = ManifestType;
            context.Response.Headers["Docker-Content-Digest"] = Digest(body);
            if (context.Request.Method == "HEAD") { context.Response.ContentLength = Encoding.UTF8.GetByteCount(body); return; }
            await context.Response.WriteAsync(body);
        });
        routes.MapGet("/v2/{name}/blobs/{digest}", async (HttpContext context, string name, string digest) =>
        {
            var storage = (await readStorage(context.RequestAborted)).Registry;
            var image = storage.TryGetValue(name, out var tags) ? tags.Values.FirstOrDefault(i => Digest(Config(i)) == digest) : null;
            if (image is null) { await ErrorAsync(context, 404, "BLOB_UNKNOWN", "blob unknown to registry"); return; }
            context.Response.ContentType = "application/vnd.oci.image.config.v1+json";
            await context.Response.WriteAsync(Config(image));
        });
    }

    private async Task<SimulatedRegistryImage?> FindAsync(string name, string reference, CancellationToken ct)
    {
        var storage = (await readStorage(ct)).Registry;
        if (!storage.TryGetValue(name, out var tags)) return null;
        return tags.TryGetValue(reference, out var image) ? image : tags.Values.FirstOrDefault(i => Digest(Manifest(i)) == reference);
    }

    /// <summary>The image config: its build time and the context digest as a label.</summary>
    private static string Config(SimulatedRegistryImage image) => JsonSerializer.Serialize(new
    {
        created = image.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        architecture = "amd64", os = "linux",
        config = new Dictionary<string, object> { ["Labels"] = new Dictionary<string, string> { ["nvoi.sandbox.context"] = image.Digest } },
    });

    private static string Manifest(SimulatedRegistryImage image)
    {
        var config = Config(image);
        return JsonSerializer.Serialize(new
        {
            schemaVersion = 2, mediaType = ManifestType,
            config = new { mediaType = "application/vnd.oci.image.config.v1+json", digest = Digest(config), size = Encoding.UTF8.GetByteCount(config) },
            layers = Array.Empty<object>(),
        });
    }

    private static string Digest(string body) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { errors = new[] { new { code, message, detail = (object?)null } } });
    }

    public Task WriteErrorAsync(HttpContext context, int status, string code, string message) => ErrorAsync(context, status, "UNAVAILABLE", message);

    /// <summary>The storage is the master's (its hostPath): nothing of its own to save.</summary>
    public string SaveState() => "{}";

    public void LoadState(string json) { }
}
