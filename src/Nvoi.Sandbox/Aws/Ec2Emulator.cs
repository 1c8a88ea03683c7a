using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nvoi.Sandbox.Emulation;
using static Nvoi.Sandbox.Aws.Ec2Xml;

namespace Nvoi.Sandbox.Aws;

/// <summary>
/// The EC2 Query API (Version 2016-11-15): form-encoded POSTs to "/", XML answers. Stateful VPCs,
/// subnets, internet gateways, route tables, security groups, instances and EBS volumes; a fixed
/// catalogue of regions, instance types and Ubuntu images. Requests signed with access key
/// <c>invalid</c> are refused with AuthFailure.
/// </summary>
public sealed partial class Ec2Emulator(EmulatorOptions options) : IEmulator
{
    /// <summary>The access key id the emulator refuses.</summary>
    public const string InvalidAccessKey = "invalid";

    private readonly object _lock = new();
    private Ec2State _state = new();

    /// <summary>Setting (EmulatorOptions.Settings) that gives the account a default VPC 172.31.0.0/16, as real accounts have.</summary>
    public const string DefaultVpcSetting = "aws.defaultVpc";

    public string Key => "aws";

    private void EnsureDefaultVpc(string region)
    {
        if (options.Settings.GetValueOrDefault(DefaultVpcSetting) != "true" || _state.Vpcs.Values.Any(v => v.IsDefault)) return;
        AddVpc("172.31.0.0/16", region, isDefault: true);
    }
    public string BasePath => "";

    private DateTimeOffset Now => options.Time.GetUtcNow();

    public void MapRoutes(IEndpointRouteBuilder routes) => routes.MapPost("/", HandleAsync);

    private int _throttleNext;

    /// <summary>Test hook: the next <paramref name="count"/> requests are refused with RequestLimitExceeded.</summary>
    internal void ThrottleNext(int count) => Interlocked.Exchange(ref _throttleNext, count);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _lose = new();

    /// <summary>Test hook: the next call of <paramref name="action"/> does its work, then answers 500 InternalError.</summary>
    internal void LoseNextResponse(string action) => _lose.AddOrUpdate(action, 1, (_, n) => n + 1);

    private bool TakeLoss(string action)
    {
        while (_lose.TryGetValue(action, out var n) && n > 0)
            if (_lose.TryUpdate(action, n - 1, n)) return true;
        return false;
    }

    /// <summary>Requests answered so far, by action (for tests).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, int> Calls { get; } = new();

    /// <summary>A deep copy of the state, for assertions.</summary>
    internal Ec2State Inspect()
    {
        lock (_lock) return JsonSerializer.Deserialize<Ec2State>(JsonSerializer.Serialize(_state))!;
    }

    /// <summary>The instance's state name now (pending, running, shutting-down, terminated).</summary>
    internal string StateOf(string instanceId)
    {
        lock (_lock) return InstanceState(_state.Instances[instanceId]);
    }

    private bool TakeThrottle()
    {
        int left;
        do
        {
            left = Volatile.Read(ref _throttleNext);
            if (left <= 0) return false;
        } while (Interlocked.CompareExchange(ref _throttleNext, left - 1, left) != left);
        return true;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (TakeThrottle())
        {
            await WriteErrorAsync(context, 429, "rate_limit_exceeded", "throttled");
            return;
        }
        try
        {
            var (accessKey, region) = Ec2Request.ParseAuthorization(context.Request.Headers.Authorization);
            if (accessKey is null)
                throw new Ec2Error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
            if (accessKey == InvalidAccessKey)
                throw new Ec2Error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
            if (!context.Request.HasFormContentType)
                throw new Ec2Error(400, "InvalidParameterValue", "Expected a form-encoded EC2 Query request");
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var request = new Ec2Request(form, region ?? "us-east-1");
            if (request.Get("Version") is null)
                throw new Ec2Error(400, "MissingParameter", "The request must contain the parameter Version");
            Calls.AddOrUpdate(request.Action, 1, (_, n) => n + 1);
            XElement[] body;
            lock (_lock)
            {
                EnsureDefaultVpc(request.Region);
                body = Dispatch(request);
            }
            if (TakeLoss(request.Action))
                throw new Ec2Error(500, "InternalError", "An internal error has occurred");
            await WriteXmlAsync(context, 200, E(request.Action + "Response", [E("requestId", RequestId()), .. body]));
        }
        catch (Ec2Error e)
        {
            await WriteErrorAsync(context, e.Status, e.Code, e.Message);
        }
        catch (FormatException e)
        {
            await WriteErrorAsync(context, 400, "InvalidParameterValue", e.Message);
        }
    }

    private XElement[] Dispatch(Ec2Request r) => r.Action switch
    {
        "DescribeRegions" => DescribeRegions(r),
        "DescribeAvailabilityZones" => DescribeAvailabilityZones(r),
        "DescribeInstanceTypes" => DescribeInstanceTypes(r),
        "DescribeImages" => DescribeImages(r),
        "CreateVpc" => CreateVpc(r), "DescribeVpcs" => DescribeVpcs(r), "DeleteVpc" => DeleteVpc(r),
        "CreateSubnet" => CreateSubnet(r), "DescribeSubnets" => DescribeSubnets(r), "DeleteSubnet" => DeleteSubnet(r),
        "ModifySubnetAttribute" => ModifySubnetAttribute(r),
        "CreateInternetGateway" => CreateInternetGateway(r), "DescribeInternetGateways" => DescribeInternetGateways(r),
        "AttachInternetGateway" => AttachInternetGateway(r), "DetachInternetGateway" => DetachInternetGateway(r),
        "DeleteInternetGateway" => DeleteInternetGateway(r),
        "CreateRouteTable" => CreateRouteTable(r), "DescribeRouteTables" => DescribeRouteTables(r), "CreateRoute" => CreateRoute(r),
        "AssociateRouteTable" => AssociateRouteTable(r), "DisassociateRouteTable" => DisassociateRouteTable(r),
        "DeleteRouteTable" => DeleteRouteTable(r),
        "CreateSecurityGroup" => CreateSecurityGroup(r), "DescribeSecurityGroups" => DescribeSecurityGroups(r),
        "AuthorizeSecurityGroupIngress" => AuthorizeSecurityGroupIngress(r), "DeleteSecurityGroup" => DeleteSecurityGroup(r),
        "RunInstances" => RunInstances(r), "DescribeInstances" => DescribeInstances(r), "TerminateInstances" => TerminateInstances(r),
        "CreateVolume" => CreateVolume(r), "DescribeVolumes" => DescribeVolumes(r), "AttachVolume" => AttachVolume(r),
        "DetachVolume" => DetachVolume(r), "DeleteVolume" => DeleteVolume(r),
        "CreateTags" => CreateTags(r),
        _ => throw new Ec2Error(400, "InvalidAction", $"The action {r.Action} is not valid for this web service."),
    };

    /// <summary>EC2's error body. Injected faults become EC2's own codes: 429 → 503 RequestLimitExceeded, 503 → Unavailable, 500 → InternalError.</summary>
    public Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        (status, code) = (status, code) switch
        {
            (429, _) => (503, "RequestLimitExceeded"),
            (503, "unavailable") => (503, "Unavailable"),
            (500, "server_error") => (500, "InternalError"),
            _ => (status, code),
        };
        if (code == "RequestLimitExceeded") message = "Request limit exceeded.";
        var doc = new XElement("Response",
            new XElement("Errors", new XElement("Error", new XElement("Code", code), new XElement("Message", message))),
            new XElement("RequestID", RequestId()));
        return WriteXmlAsync(context, status, doc);
    }

    private static async Task WriteXmlAsync(HttpContext context, int status, XElement root)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml;charset=UTF-8";
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.ToString(SaveOptions.DisableFormatting);
        await context.Response.WriteAsync(text, Encoding.UTF8);
    }

    public string SaveState()
    {
        lock (_lock) return JsonSerializer.Serialize(_state);
    }

    public void LoadState(string json)
    {
        lock (_lock) _state = JsonSerializer.Deserialize<Ec2State>(json) ?? new Ec2State();
    }

    private static string RequestId() => Guid.NewGuid().ToString();

    /// <summary>An id like EC2's: prefix, dash, 17 hex digits starting with 0.</summary>
    private static string NewId(string prefix) =>
        $"{prefix}-0{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";

    private static Ec2Error NotFound(string code, string message) => new(400, code, message);

    private static T Lookup<T>(Dictionary<string, T> set, string id, string code, string what) =>
        set.TryGetValue(id, out var value) ? value : throw NotFound(code, $"The {what} ID '{id}' does not exist");

    private static XElement[] Return(params XElement[] extra) => [E("return", "true"), .. extra];

    private static void ApplyTags(Ec2Request r, Tagged target, string resourceType)
    {
        foreach (var (k, v) in r.TagsFor(resourceType)) target.Tags[k] = v;
    }

    /// <summary>Applies EC2 filters; an unknown filter name is an error, as on EC2.</summary>
    private static IEnumerable<T> Filter<T>(Ec2Request r, IEnumerable<T> items, Func<T, string, IEnumerable<string?>?> values)
    {
        var filters = r.Filters();
        foreach (var item in items)
        {
            var keep = true;
            foreach (var (name, wanted) in filters)
            {
                var actual = values(item, name)
                    ?? throw new Ec2Error(400, "InvalidParameterValue", $"The filter '{name}' is invalid");
                if (!actual.Any(a => a is not null && wanted.Any(w => Matches(w, a)))) { keep = false; break; }
            }
            if (keep) yield return item;
        }
    }

    private static IEnumerable<string?>? TagFilter(Tagged t, string name) =>
        name.StartsWith("tag:", StringComparison.Ordinal) ? [t.Tags.GetValueOrDefault(name[4..])]
        : name == "tag-key" ? t.Tags.Keys : null;

    /// <summary>EC2 filter values accept * and ? wildcards.</summary>
    private static bool Matches(string pattern, string value)
    {
        if (!pattern.Contains('*') && !pattern.Contains('?')) return pattern == value;
        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(value, regex);
    }

    /// <summary>MaxResults/NextToken paging; the token is an opaque offset.</summary>
    private static (List<T> Page, string? Next) Paginate<T>(Ec2Request r, List<T> all, int min, int max, int? defaultSize)
    {
        var size = r.Int("MaxResults") ?? defaultSize;
        if (size is { } s && (s < min || s > max))
            throw new Ec2Error(400, "InvalidParameterValue", $"Value ( {s} ) for parameter maxResults is invalid. Expecting a value between {min} and {max}.");
        var start = 0;
        if (r.Get("NextToken") is { } token)
        {
            try { start = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token))); }
            catch (FormatException) { throw new Ec2Error(400, "InvalidParameterValue", "The token is invalid."); }
        }
        if (size is null) return (all.Skip(start).ToList(), null);
        var page = all.Skip(start).Take(size.Value).ToList();
        var next = start + page.Count < all.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes((start + page.Count).ToString())) : null;
        return (page, next);
    }
}
