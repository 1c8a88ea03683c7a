using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nvoi.Sandbox.Emulation;

namespace Nvoi.Sandbox.Scaleway;

/// <summary>
/// Emulates the parts of the Scaleway API nvoi uses: Instance (servers, actions, user data,
/// security groups, private NICs, products, images), VPC v2 private networks, Block volumes and
/// IPAM addresses. Authenticates with <c>X-Auth-Token</c> (the token <c>invalid</c> is refused).
/// Servers go stopped → starting → running, the last step after <see cref="EmulatorOptions.ServerBootTime"/>.
/// </summary>
public sealed partial class ScalewayEmulator(EmulatorOptions options) : IEmulator
{
    /// <summary>The token the emulator refuses with 401.</summary>
    public const string InvalidToken = "invalid";

    private readonly object _lock = new();
    private ScalewayState _state = new();

    public string Key => "scaleway";
    public string BasePath => "";

    private DateTimeOffset Now => options.Time.GetUtcNow();

    public void MapRoutes(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("").AddEndpointFilter(async (context, next) =>
        {
            var token = context.HttpContext.Request.Headers["X-Auth-Token"].ToString();
            if (token.Length == 0) return ScwErrors.Denied("invalid_argument");
            if (token == InvalidToken) return ScwErrors.Denied("not_found");
            return await next(context);
        });
        MapInstance(api);
        MapRegional(api);
    }

    public Task WriteErrorAsync(HttpContext context, int status, string code, string message) =>
        new ScwResult(status, ScwErrors.Generic(status, code, message)).ExecuteAsync(context);

    public string SaveState()
    {
        lock (_lock) return JsonSerializer.Serialize(_state, ScalewayStateJson.Default.ScalewayState);
    }

    public void LoadState(string json)
    {
        var state = JsonSerializer.Deserialize(json, ScalewayStateJson.Default.ScalewayState) ?? new ScalewayState();
        lock (_lock) _state = state;
    }

    // ---- helpers ----

    private string NextPublicIp()
    {
        var n = _state.PublicIpCounter++;
        // Scaleway's public ranges: 51.15.0.0/16, then 163.172.0.0/16.
        var (a, b) = n < 250 * 250 ? (51, 15) : (163, 172);
        n %= 250 * 250;
        return string.Create(CultureInfo.InvariantCulture, $"{a}.{b}.{n / 250 + 1}.{n % 250 + 2}");
    }

    private string NextMac()
    {
        var n = ++_state.MacCounter;
        return string.Create(CultureInfo.InvariantCulture, $"02:00:00:{(n >> 16) & 0xff:x2}:{(n >> 8) & 0xff:x2}:{n & 0xff:x2}");
    }

    private static string NewId() => Guid.NewGuid().ToString("D");

    private static ScwResult? CheckZone(string zone, bool instanceApi) =>
        ScalewayCatalog.IsZone(zone) ? null
        : instanceApi ? ScwErrors.InvalidRequest("zone", $"unknown zone \"{zone}\"")
        : ScwErrors.InvalidArguments("zone", "constraint", $"unknown zone {zone}");

    private static ScwResult? CheckRegion(string region) =>
        ScalewayCatalog.IsRegion(region) ? null : ScwErrors.InvalidArguments("region", "constraint", $"unknown region {region}");

    private static ScwResult InvalidBody(bool instanceApi) => instanceApi
        ? ScwErrors.InvalidRequestMessage("request body is not a JSON object")
        : ScwErrors.InvalidArguments("body", "format", "request body is not a JSON object");
}
