using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nvoi.Configuration;

namespace Nvoi.Tests.Configuration;

/// <summary>docs/configuration-reference.md is generated from the schema and must be up to date.</summary>
public class ConfigReferenceTests
{
    private const string Regenerate = "NVOI_UPDATE_DOCS=1 dotnet test tests/Nvoi.Tests --filter ConfigReference";

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "docs/schema/deploy.schema.json"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (docs/schema/deploy.schema.json)");
    }

    private static string SchemaText => File.ReadAllText(Path.Combine(RepoRoot(), "docs/schema/deploy.schema.json"));

    [Fact]
    public void Reference_doc_matches_the_schema()
    {
        var expected = ConfigReference.Render(SchemaText);
        var docPath = Path.Combine(RepoRoot(), "docs/configuration-reference.md");
        if (Environment.GetEnvironmentVariable("NVOI_UPDATE_DOCS") == "1") File.WriteAllText(docPath, expected);
        Assert.True(File.Exists(docPath), $"docs/configuration-reference.md is missing; run `{Regenerate}`");
        var actual = File.ReadAllText(docPath).ReplaceLineEndings("\n");
        Assert.True(actual == expected, $"docs/configuration-reference.md is out of date with docs/schema/deploy.schema.json; run `{Regenerate}`");
    }

    [Fact]
    public void Every_loader_key_has_an_entry()
    {
        var doc = ConfigReference.Render(SchemaText);
        foreach (var key in ConfigShape.KeyPaths())
        {
            // The reference names map keys by placeholders (<group>, <VAR>…) where the loader has *;
            // a map of plain strings (env, secrets, host_keys) is one entry for the map itself.
            var entry = key.EndsWith(".*", StringComparison.Ordinal) ? key[..^2] : key;
            var pattern = "^## `" + Regex.Escape(entry).Replace(@"\*", "<[A-Za-z]+>") + "`$";
            Assert.True(Regex.IsMatch(doc, pattern, RegexOptions.Multiline), $"no entry for {key}");
        }
    }

    [Fact]
    public void A_key_added_to_the_schema_appears_with_its_facts()
    {
        var schema = JsonNode.Parse(SchemaText)!.AsObject();
        schema["$defs"]!["Volume"]!["properties"]!["tier"] = new JsonObject
        {
            ["type"] = "string", ["description"] = "Storage tier.", ["enum"] = new JsonArray("ssd", "hdd"),
            ["default"] = "ssd", ["examples"] = new JsonArray("hdd"),
        };
        var doc = ConfigReference.Render(schema.ToJsonString());

        Assert.NotEqual(ConfigReference.Render(SchemaText), doc);
        var entry = doc[doc.IndexOf("## `application.servers.<group>.volumes.<volume>.tier`", StringComparison.Ordinal)..];
        entry = entry[..entry.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        Assert.Contains("Storage tier.", entry);
        Assert.Contains("- Type: string\n", entry);
        Assert.Contains("- Default: `\"ssd\"`", entry);
        Assert.Contains("- Allowed values: `\"ssd\"`, `\"hdd\"`", entry);
        Assert.Contains("- Example: `\"hdd\"`", entry);
    }

    [Fact]
    public void Required_keys_and_ref_descriptions_are_shown()
    {
        var doc = ConfigReference.Render(SchemaText);
        Assert.Contains("## `application.name`", doc);
        Assert.Matches("## `application.domain_provider.cloudflare.api_token`\n\n[^\n]+\n\n- Type: string \\(required\\)", doc);
        Assert.Matches("## `application.keep_count`\n\n[^\n]+\n\n- Type: integer\n- Default: `2`", doc);
        Assert.Contains("exactly 1 of: `hetzner`, `aws`, `scaleway`", doc);
    }
}
