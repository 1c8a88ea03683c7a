using System.Globalization;
using System.Text.Json.Nodes;

namespace Nvoi.Sandbox.Hetzner;

/// <summary>The fixed catalogue of the emulated Hetzner Cloud: locations, datacenters, server types, images.</summary>
internal static class HetznerCatalog
{
    internal sealed record Location(long Id, string Name, string Description, string Country, string City, double Latitude, double Longitude, string NetworkZone, long DatacenterId, string Datacenter);

    internal sealed record ServerType(long Id, string Name, string Description, int Cores, double Memory, int Disk, string CpuType, string Architecture, string Category, IReadOnlyDictionary<string, decimal> MonthlyNet);

    internal sealed record Image(long Id, string Name, string Description, string Architecture, string OsVersion);

    public static readonly IReadOnlyList<Location> Locations =
    [
        new(1, "fsn1", "Falkenstein DC Park 1", "DE", "Falkenstein", 50.47612, 12.370071, "eu-central", 4, "fsn1-dc14"),
        new(2, "nbg1", "Nuremberg DC Park 1", "DE", "Nuremberg", 49.452102, 11.076665, "eu-central", 2, "nbg1-dc3"),
        new(3, "hel1", "Helsinki DC Park 1", "FI", "Helsinki", 60.169855, 24.938379, "eu-central", 3, "hel1-dc2"),
        new(4, "ash", "Ashburn, VA", "US", "Ashburn, VA", 39.045821, -77.487073, "us-east", 5, "ash-dc1"),
        new(5, "hil", "Hillsboro, OR", "US", "Hillsboro, OR", 45.54222, -122.951924, "us-west", 6, "hil-dc1"),
    ];

    private static Dictionary<string, decimal> Eu(decimal price) => new() { ["fsn1"] = price, ["nbg1"] = price, ["hel1"] = price };
    private static Dictionary<string, decimal> All(decimal eu, decimal us) => new(Eu(eu)) { ["ash"] = us, ["hil"] = us };

    public static readonly IReadOnlyList<ServerType> ServerTypes =
    [
        new(22, "cpx11", "CPX 11", 2, 2, 40, "shared", "x86", "regular_purpose", All(4.35m, 4.99m)),
        new(23, "cpx21", "CPX 21", 3, 4, 80, "shared", "x86", "regular_purpose", All(7.55m, 8.99m)),
        new(104, "cx22", "CX22", 2, 4, 40, "shared", "x86", "cost_optimized", Eu(3.79m)),
        new(105, "cx32", "CX32", 4, 8, 80, "shared", "x86", "cost_optimized", Eu(6.80m)),
        new(106, "cx42", "CX42", 8, 16, 160, "shared", "x86", "cost_optimized", Eu(16.40m)),
        new(45, "cax11", "CAX11", 2, 4, 40, "shared", "arm", "cost_optimized", Eu(3.79m)),
        new(93, "cax21", "CAX21", 4, 8, 80, "shared", "arm", "cost_optimized", Eu(6.49m)),
        new(96, "ccx13", "CCX13 Dedicated CPU", 2, 8, 80, "dedicated", "x86", "general_purpose", All(12.49m, 14.49m)),
    ];

    public static readonly IReadOnlyList<Image> Images =
    [
        new(161547269, "ubuntu-24.04", "Ubuntu 24.04", "x86", "24.04"),
        new(161547270, "ubuntu-24.04", "Ubuntu 24.04", "arm", "24.04"),
        new(67794396, "ubuntu-22.04", "Ubuntu 22.04", "x86", "22.04"),
        new(103908130, "ubuntu-22.04", "Ubuntu 22.04", "arm", "22.04"),
        new(114690387, "debian-12", "Debian 12", "x86", "12"),
        new(114690389, "debian-12", "Debian 12", "arm", "12"),
    ];

    public static Location? FindLocation(string? idOrName) =>
        Locations.FirstOrDefault(l => l.Name == idOrName || l.Id.ToString(CultureInfo.InvariantCulture) == idOrName);

    public static Location? FindDatacenter(string? idOrName) =>
        Locations.FirstOrDefault(l => l.Datacenter == idOrName || l.DatacenterId.ToString(CultureInfo.InvariantCulture) == idOrName);

    public static ServerType? FindServerType(string? idOrName) =>
        ServerTypes.FirstOrDefault(t => t.Name == idOrName || t.Id.ToString(CultureInfo.InvariantCulture) == idOrName);

    public static string Money(decimal value) => value.ToString("0.0000000000", CultureInfo.InvariantCulture);

    public static JsonObject LocationJson(Location l) => new()
    {
        ["id"] = l.Id, ["name"] = l.Name, ["description"] = l.Description, ["country"] = l.Country,
        ["city"] = l.City, ["latitude"] = l.Latitude, ["longitude"] = l.Longitude, ["network_zone"] = l.NetworkZone,
    };

    public static JsonObject DatacenterJson(Location l)
    {
        var ids = new JsonArray(ServerTypes.Where(t => t.MonthlyNet.ContainsKey(l.Name)).Select(t => (JsonNode)t.Id).ToArray());
        return new JsonObject
        {
            ["id"] = l.DatacenterId, ["name"] = l.Datacenter,
            ["description"] = $"{l.City} virtual DC",
            ["location"] = LocationJson(l),
            ["server_types"] = new JsonObject
            {
                ["supported"] = ids.DeepClone(), ["available"] = ids.DeepClone(), ["available_for_migration"] = ids.DeepClone(),
            },
        };
    }

    public static JsonObject ServerTypeJson(ServerType t)
    {
        var prices = new JsonArray();
        var locations = new JsonArray();
        foreach (var (location, net) in t.MonthlyNet)
        {
            var hourly = Math.Round(net / 730m, 4);
            prices.Add(new JsonObject
            {
                ["location"] = location,
                ["price_hourly"] = new JsonObject { ["net"] = Money(hourly), ["gross"] = Money(hourly * 1.19m) },
                ["price_monthly"] = new JsonObject { ["net"] = Money(net), ["gross"] = Money(net * 1.19m) },
                ["included_traffic"] = location is "ash" or "hil" ? 1_099_511_627_776L : 21_990_232_555_520L,
                ["price_per_tb_traffic"] = new JsonObject { ["net"] = Money(1m), ["gross"] = Money(1.19m) },
            });
            var loc = FindLocation(location)!;
            locations.Add(new JsonObject { ["id"] = loc.Id, ["name"] = loc.Name, ["deprecation"] = null });
        }
        return new JsonObject
        {
            ["id"] = t.Id, ["name"] = t.Name, ["description"] = t.Description, ["cores"] = t.Cores,
            ["memory"] = t.Memory, ["disk"] = t.Disk, ["deprecated"] = false, ["deprecation"] = null,
            ["prices"] = prices, ["locations"] = locations, ["storage_type"] = "local", ["cpu_type"] = t.CpuType,
            ["category"] = t.Category, ["architecture"] = t.Architecture, ["included_traffic"] = 21_990_232_555_520L,
        };
    }

    public static JsonObject ImageJson(Image i) => new()
    {
        ["id"] = i.Id, ["type"] = "system", ["status"] = "available", ["name"] = i.Name, ["description"] = i.Description,
        ["image_size"] = null, ["disk_size"] = 5, ["created"] = "2024-04-25T12:00:00+00:00", ["created_from"] = null,
        ["bound_to"] = null, ["os_flavor"] = i.Name.Split('-')[0], ["os_version"] = i.OsVersion, ["rapid_deploy"] = true,
        ["protection"] = new JsonObject { ["delete"] = false }, ["deprecated"] = null, ["deleted"] = null,
        ["labels"] = new JsonObject(), ["architecture"] = i.Architecture,
    };
}
