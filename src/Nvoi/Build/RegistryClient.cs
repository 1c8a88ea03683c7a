using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Nvoi.Build;

/// <summary>One tag of the app's repository in the in-cluster registry, with the time its image was built (null: unknown).</summary>
public sealed record RegistryImage(string Tag, DateTimeOffset? Created);

/// <summary>
/// The in-cluster registry (registry:2) through the local end of a forward to its NodePort: the Docker Registry
/// HTTP API v2, read only. Tags from <c>/v2/NAME/tags/list</c>; an image's build time from the <c>created</c> of
/// its config blob (an image index is followed to its first platform manifest).
/// </summary>
public sealed class RegistryClient(HttpClient http) : IDisposable
{
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ];

    public static RegistryClient ForForward(string host, int port) =>
        new(new HttpClient { BaseAddress = new Uri($"http://{host}:{port}/"), Timeout = TimeSpan.FromSeconds(30) });

    /// <summary>The tags of <paramref name="repository"/> (e.g. nvoi-myapp), none when it was never pushed.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken ct)
    {
        using var response = await http.GetAsync($"v2/{repository}/tags/list", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        await EnsureAsync(response, $"list the tags of {repository}", ct);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return doc.RootElement.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Select(t => t.GetString()!).Where(t => t is not null).ToList()
            : [];
    }

    /// <summary>The image of <paramref name="repository"/>:<paramref name="tag"/>, or null when the registry does not have it.</summary>
    public async Task<RegistryImage?> GetImageAsync(string repository, string tag, CancellationToken ct)
    {
        using var manifest = await ManifestAsync(repository, tag, ct);
        if (manifest is null) return null;
        var root = manifest.RootElement;
        if (root.TryGetProperty("manifests", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            // An index: its first manifest for a real platform (attestations say unknown/unknown).
            var child = children.EnumerateArray().FirstOrDefault(m =>
                !(m.TryGetProperty("platform", out var p) && p.TryGetProperty("os", out var os) && os.GetString() == "unknown"));
            if (child.ValueKind != JsonValueKind.Object) return new RegistryImage(tag, null);
            using var platform = await ManifestAsync(repository, child.GetProperty("digest").GetString()!, ct);
            return new RegistryImage(tag, platform is null ? null : await CreatedAsync(repository, platform.RootElement, ct));
        }
        return new RegistryImage(tag, await CreatedAsync(repository, root, ct));
    }

    private async Task<JsonDocument?> ManifestAsync(string repository, string reference, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{reference}");
        foreach (var type in ManifestTypes) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, $"read the manifest of {repository}:{reference}", ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
    }

    private async Task<DateTimeOffset?> CreatedAsync(string repository, JsonElement manifest, CancellationToken ct)
    {
        if (!manifest.TryGetProperty("config", out var config) || !config.TryGetProperty("digest", out var digest)) return null;
        using var response = await http.GetAsync($"v2/{repository}/blobs/{digest.GetString()}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, $"read the image config of {repository}", ct);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return doc.RootElement.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.String &&
               DateTimeOffset.TryParse(created.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : null;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        var first = body.Split('\n')[0];
        throw new NvoiException($"the cluster registry could not {what}: {(int)response.StatusCode} {(first.Length > 200 ? first[..200] : first)}");
    }

    public void Dispose() => http.Dispose();
}
