namespace Nvoi.Cloud.Scaleway;

/// <summary>Scaleway's availability zones for Instances, and the region each belongs to.</summary>
public static class ScalewayZones
{
    /// <summary>Every zone nvoi accepts (the zones of nvoi 0.2.0), with its city.</summary>
    public static readonly IReadOnlyList<LocationInfo> All =
    [
        new("fr-par-1", "Paris 1"), new("fr-par-2", "Paris 2"), new("fr-par-3", "Paris 3"),
        new("nl-ams-1", "Amsterdam 1"), new("nl-ams-2", "Amsterdam 2"), new("nl-ams-3", "Amsterdam 3"),
        new("pl-waw-1", "Warsaw 1"), new("pl-waw-2", "Warsaw 2"), new("pl-waw-3", "Warsaw 3"),
    ];

    /// <summary>The default zone when the configuration names none.</summary>
    public const string Default = "fr-par-1";

    public static bool IsZone(string zone) => All.Any(z => z.Name == zone);

    /// <summary>fr-par-1 → fr-par (the zone without its last dash-separated part).</summary>
    public static string RegionOf(string zone)
    {
        var dash = zone.LastIndexOf('-');
        return dash > 0 ? zone[..dash] : zone;
    }
}
