using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Nvoi.Sandbox.Aws;

/// <summary>An EC2 Query API call: the form parameters, with the list encodings EC2 uses (Name.1, Filter.1.Value.1, ...).</summary>
internal sealed partial class Ec2Request(IFormCollection form, string region)
{
    public string Action => form["Action"].ToString();
    public string Region => region;

    public string? Get(string name) => form.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public string Required(string name) =>
        Get(name) ?? throw new Ec2Error(400, "MissingParameter", $"The request must contain the parameter {name}");

    public int? Int(string name)
    {
        var s = Get(name);
        if (s is null) return null;
        return int.TryParse(s, out var i) ? i : throw new Ec2Error(400, "InvalidParameterValue", $"Value ({s}) for parameter {name} is invalid.");
    }

    public bool? Bool(string name) => Get(name) is { } s ? bool.Parse(s) : null;

    /// <summary>Values of Prefix.1, Prefix.2, ... in index order.</summary>
    public List<string> List(string prefix)
    {
        var items = new SortedDictionary<int, string>();
        foreach (var (key, value) in form)
        {
            if (!key.StartsWith(prefix + ".", StringComparison.Ordinal)) continue;
            if (int.TryParse(key.AsSpan(prefix.Length + 1), out var i)) items[i] = value.ToString();
        }
        return [.. items.Values];
    }

    /// <summary>Indexes N for which Prefix.N.* parameters exist.</summary>
    public List<int> Indexes(string prefix)
    {
        var set = new SortedSet<int>();
        foreach (var key in form.Keys)
        {
            if (!key.StartsWith(prefix + ".", StringComparison.Ordinal)) continue;
            var rest = key[(prefix.Length + 1)..];
            var dot = rest.IndexOf('.');
            if (dot > 0 && int.TryParse(rest[..dot], out var i)) set.Add(i);
        }
        return [.. set];
    }

    public List<(string Name, List<string> Values)> Filters() =>
        [.. Indexes("Filter").Select(i => (Get($"Filter.{i}.Name") ?? "", List($"Filter.{i}.Value")))];

    /// <summary>Tags from TagSpecification.N for the given resource type.</summary>
    public Dictionary<string, string> TagsFor(string resourceType)
    {
        var tags = new Dictionary<string, string>();
        foreach (var i in Indexes("TagSpecification"))
        {
            var type = Get($"TagSpecification.{i}.ResourceType");
            if (type != resourceType)
                throw new Ec2Error(400, "InvalidParameterValue", $"'{type}' is not a valid taggable resource type for this operation.");
            foreach (var j in Indexes($"TagSpecification.{i}.Tag"))
                tags[Get($"TagSpecification.{i}.Tag.{j}.Key") ?? ""] = Get($"TagSpecification.{i}.Tag.{j}.Value") ?? "";
        }
        return tags;
    }

    /// <summary>The access key id from a SigV4 Authorization header, and the signing region.</summary>
    public static (string? AccessKey, string? Region) ParseAuthorization(string? header)
    {
        if (string.IsNullOrEmpty(header)) return (null, null);
        var m = CredentialPattern().Match(header);
        return m.Success ? (m.Groups[1].Value, m.Groups[2].Value) : (null, null);
    }

    [GeneratedRegex(@"Credential=([^/,\s]+)/\d{8}/([^/]+)/")]
    private static partial Regex CredentialPattern();
}

/// <summary>An EC2 error answer: HTTP status, code and message.</summary>
internal sealed class Ec2Error(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}
