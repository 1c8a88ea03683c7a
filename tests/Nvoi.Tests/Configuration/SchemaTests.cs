using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Nvoi.Configuration;
using static Nvoi.Tests.Configuration.ConfigFixtures;

namespace Nvoi.Tests.Configuration;

/// <summary>docs/schema/deploy.schema.json and the loader must describe the same file.</summary>
public partial class SchemaTests
{
    private static readonly string SchemaPath = FindRepoFile("docs/schema/deploy.schema.json");
    private static readonly JsonObject Schema = JsonNode.Parse(File.ReadAllText(SchemaPath))!.AsObject();
    // Parsed once: the library registers a schema by its $id and refuses a second registration.
    private static readonly Lazy<JsonSchema> Compiled = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath)));

    private static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(relative);
    }

    [Fact]
    public void Schema_lists_exactly_the_keys_the_loader_accepts()
    {
        var fromSchema = new SortedSet<string>(StringComparer.Ordinal);
        Walk(Schema, "", fromSchema);
        Assert.Equal(ConfigShape.KeyPaths(), fromSchema);
        Assert.Contains("application.ssh_keys.host_keys.*", fromSchema);
        Assert.Contains("application.servers.*.volumes.*.size", fromSchema);
    }

    [Fact]
    public void Every_schema_object_closes_its_keys_and_describes_them()
    {
        foreach (var (name, def) in Schema["$defs"]!.AsObject())
        {
            Assert.False(def!["additionalProperties"]!.GetValue<bool>(), $"{name} must set additionalProperties: false");
            Assert.False(string.IsNullOrEmpty((string?)def["description"]), $"{name} has no description");
            foreach (var (key, prop) in def["properties"]!.AsObject())
                if (prop!["$ref"] is null)
                    Assert.False(string.IsNullOrEmpty((string?)prop["description"]), $"{name}.{key} has no description");
        }
    }

    [Fact]
    public void Full_fixture_validates_against_the_schema()
    {
        var result = Evaluate(FullYaml);
        Assert.True(result.IsValid, Describe(result));
    }

    [Fact]
    public void Written_configs_validate_against_the_schema()
    {
        var result = Evaluate(ConfigWriter.Write(Full()));
        Assert.True(result.IsValid, Describe(result));
    }

    [Theory]
    [InlineData("port: 3000", "port: 70000")]
    [InlineData("size: 20", "size: 5")]
    [InlineData("adapter: postgres", "adapter: oracle")]
    [InlineData("type: http", "type: grpc")]
    [InlineData("name: myapp", "name: My_App")]
    [InlineData("count: 2", "count: 0")]
    [InlineData("replicas: 3", "replicas: 0")]
    [InlineData("memory: 1Gi", "memory: lots")]
    [InlineData("cleanup:\n", "cleanup:\n          timezone: UTC\n")]
    [InlineData("      command: bundle exec sidekiq", "      commnd: bundle exec sidekiq")]
    public void Schema_rejects_what_the_validator_rejects(string from, string to)
    {
        var yaml = FullYaml.Replace(from, to);
        Assert.NotEqual(FullYaml, yaml);
        Assert.False(Evaluate(yaml).IsValid);
        Assert.Throws<ConfigException>(() => ConfigSource.FromText(yaml));
    }

    [Fact]
    public void Schema_patterns_match_the_validator()
    {
        var labelPattern = (string)Schema["$defs"]!["Application"]!["properties"]!["name"]!["pattern"]!;
        foreach (var name in new[] { "myapp", "a", "a-1", "-a", "a-", "A", "a_b", new string('a', 63), new string('a', 64), "a;b" })
            Assert.Equal(ConfigRules.IsDnsLabel(name), Regex.IsMatch(name, labelPattern));
        var adapters = Schema["$defs"]!["Database"]!["properties"]!["adapter"]!["enum"]!.AsArray().Select(n => (string)n!);
        Assert.Equal(ConfigRules.Adapters, adapters);
    }

    private static EvaluationResults Evaluate(string yaml)
    {
        var schema = Compiled.Value;
        var errors = new List<ConfigError>();
        var json = ToJson(YamlTree.Parse(yaml, errors));
        Assert.Empty(errors);
        using var doc = JsonDocument.Parse(json?.ToJsonString() ?? "null");
        return schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Describe(EvaluationResults r) =>
        string.Join("\n", (r.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}"));

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    // YAML core-schema typing of plain scalars, enough for configs.
    private static JsonNode? ToJson(YNode? node) => node switch
    {
        null => null,
        YScalar { IsNull: true } => null,
        YScalar { Plain: true, Value: "true" } => JsonValue.Create(true),
        YScalar { Plain: true, Value: "false" } => JsonValue.Create(false),
        YScalar { Plain: true } s when IntPattern().IsMatch(s.Value) => JsonValue.Create(long.Parse(s.Value)),
        YScalar s => JsonValue.Create(s.Value),
        YSequence seq => new JsonArray(seq.Items.Select(ToJson).ToArray()),
        YMapping map => new JsonObject(map.Entries.Select(e => KeyValuePair.Create(e.Key.Value, ToJson(e.Value)))),
        _ => throw new InvalidOperationException(),
    };

    private static void Walk(JsonNode schema, string path, SortedSet<string> keys)
    {
        if (schema["$ref"] is { } r)
        {
            var name = ((string)r!).Replace("#/$defs/", "");
            Walk(Schema["$defs"]![name]!, path, keys);
            return;
        }
        if (schema["properties"] is JsonObject props)
            foreach (var (key, child) in props)
            {
                var p = YamlTree.Join(path, key);
                keys.Add(p);
                Walk(child!, p, keys);
            }
        if (schema["additionalProperties"] is JsonObject values)
        {
            var p = YamlTree.Join(path, "*");
            keys.Add(p);
            Walk(values, p, keys);
        }
        if (schema["items"] is JsonObject items) Walk(items, path, keys);
    }
}
