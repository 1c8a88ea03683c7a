using System.Globalization;
using System.Text.Json.Nodes;

namespace Nvoi.Cloud.Hetzner;

public sealed partial class HetznerCloudProvider
{
    public async Task ValidateCredentialsAsync(CancellationToken ct) =>
        await _api.GetAsync("locations?per_page=1", ct).ConfigureAwait(false);

    public async Task ValidateServerTypeAsync(string serverType, string location, CancellationToken ct)
    {
        var types = await ListServerTypesAsync(ct).ConfigureAwait(false);
        var type = types.FirstOrDefault(t => t.Name == serverType)
            ?? throw new CloudValidationException($"hetzner: server type '{serverType}' does not exist; valid: {string.Join(", ", types.Select(t => t.Name))}");
        if (!type.Locations.Contains(location))
            throw new CloudValidationException($"hetzner: server type '{serverType}' is not available in '{location}'; available in: {string.Join(", ", type.Locations)}");
    }

    public async Task ValidateLocationAsync(string location, CancellationToken ct)
    {
        var locations = await ListLocationsAsync(ct).ConfigureAwait(false);
        if (locations.All(l => l.Name != location))
            throw new CloudValidationException($"hetzner: location '{location}' does not exist; valid: {string.Join(", ", locations.Select(l => l.Name))}");
    }

    public async Task<IReadOnlyList<ServerTypeInfo>> ListServerTypesAsync(CancellationToken ct) =>
        (await _api.ListAsync("server_types", "server_types", ct).ConfigureAwait(false))
            .Where(t => t["deprecation"] is null && t["deprecated"]?.GetValue<bool>() != true)
            .Select(ToServerType).ToList();

    public async Task<IReadOnlyList<LocationInfo>> ListLocationsAsync(CancellationToken ct) =>
        (await _api.ListAsync("locations", "locations", ct).ConfigureAwait(false))
            .Select(l => new LocationInfo(S(l["name"]), $"{S(l["city"])}, {S(l["country"])} ({S(l["description"])})")).ToList();

    public async Task<CpuArchitecture> GetArchitectureAsync(string serverType, CancellationToken ct)
    {
        var found = await _api.ListAsync($"server_types?name={Q(serverType)}", "server_types", ct).ConfigureAwait(false);
        return found.FirstOrDefault() is { } type ? ToServerType(type).Architecture
            : throw new CloudValidationException($"hetzner: server type '{serverType}' does not exist");
    }

    private static ServerTypeInfo ToServerType(JsonObject t)
    {
        var prices = (t["prices"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        decimal? monthly = prices
            .Select(p => decimal.TryParse(S(p["price_monthly"]?["net"]), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : (decimal?)null)
            .Where(d => d is not null).Min();
        var locations = prices.Select(p => S(p["location"])).Where(l => l.Length > 0).Distinct().ToList();
        return new ServerTypeInfo(
            S(t["name"]), t["cores"]?.GetValue<int>() ?? 0, t["memory"]?.GetValue<double>() ?? 0,
            monthly is null ? null : decimal.Round(monthly.Value, 2), "EUR",
            S(t["architecture"]) == "arm" ? CpuArchitecture.Arm64 : CpuArchitecture.Amd64, locations);
    }
}
