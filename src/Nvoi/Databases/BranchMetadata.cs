using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nvoi.Databases;

/// <summary>One branch as recorded in branches.json (0.2.0's fields plus <see cref="Sha256"/>).</summary>
/// <param name="Id">The branch id (file name without extension).</param>
/// <param name="CreatedAt">ISO 8601 time, as written (0.2.0 wrote its local offset).</param>
/// <param name="Size">Dump size in bytes.</param>
/// <param name="Adapter">The adapter as configured when the branch was made.</param>
/// <param name="Database">The database that was dumped.</param>
/// <param name="Sha256">SHA-256 of the dump (lowercase hex); null for branches made by 0.2.0.</param>
public sealed record Branch(string Id, string? CreatedAt, long? Size, string? Adapter, string? Database, string? Sha256);

/// <summary>
/// <c>branches.json</c>: <c>{"branches": [{"id", "created_at", "size", "adapter", "database"}]}</c> as 0.2.0
/// writes it; nvoi adds <c>sha256</c> (0.2.0 ignores it). Unknown fields are kept when a branch is added.
/// </summary>
public static partial class BranchMetadata
{
    /// <summary>The file name inside the branches directory.</summary>
    public const string FileName = "branches.json";

    /// <summary>The branches in <paramref name="json"/>; empty for an empty or unreadable file (as 0.2.0).</summary>
    public static IReadOnlyList<Branch> Parse(string? json)
    {
        var root = Root(json);
        var result = new List<Branch>();
        if (root["branches"] is not JsonArray array) return result;
        foreach (var node in array)
        {
            if (node is not JsonObject o || Text(o["id"]) is not { Length: > 0 } id) continue;
            result.Add(new Branch(id, Text(o["created_at"]), Number(o["size"]), Text(o["adapter"]), Text(o["database"]), Text(o["sha256"])));
        }
        return result;
    }

    /// <summary><paramref name="json"/> with <paramref name="branch"/> appended (everything else kept), pretty-printed.</summary>
    public static string Add(string? json, Branch branch)
    {
        ArgumentNullException.ThrowIfNull(branch);
        var root = Root(json);
        if (root["branches"] is not JsonArray array)
        {
            array = [];
            root["branches"] = array;
        }
        var entry = new JsonObject
        {
            ["id"] = branch.Id,
            ["created_at"] = branch.CreatedAt,
            ["size"] = branch.Size,
            ["adapter"] = branch.Adapter,
            ["database"] = branch.Database,
        };
        if (branch.Sha256 is not null) entry["sha256"] = branch.Sha256;
        array.Add(entry);
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>The time as 0.2.0 wrote it (<c>Time#iso8601</c>): <c>2026-01-02T03:04:05+00:00</c>.</summary>
    public static string FormatCreatedAt(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    /// <summary>The default id: the UTC time as YYYYMMDDHHMMSS.</summary>
    public static string DefaultId(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Branch ids are file names: letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();

    private static JsonObject Root(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v ? v.TryGetValue<string>(out var s) ? s : v.ToJsonString() : null;

    private static long? Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<long>(out var n) ? n
        : node is JsonValue d && d.TryGetValue<double>(out var f) ? (long)f : null;
}
