using System.Text.Json;
using Nvoi.Databases;

namespace Nvoi.Tests.Databases;

public class BranchMetadataTests
{
    // As nvoi 0.2.0 writes it (JSON.pretty_generate of {branches: [...]}).
    private const string Ruby = """
        {
          "branches": [
            {
              "id": "20250102-030405",
              "created_at": "2025-01-02T03:04:05+01:00",
              "size": 2048,
              "adapter": "postgres",
              "database": "shop_production"
            }
          ]
        }
        """;

    [Fact]
    public void Reads_the_0_2_0_shape()
    {
        var b = Assert.Single(BranchMetadata.Parse(Ruby));
        Assert.Equal(new Branch("20250102-030405", "2025-01-02T03:04:05+01:00", 2048, "postgres", "shop_production", null), b);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"branches\": [{\"size\": 3}]}")]
    public void Empty_or_unreadable_files_list_nothing(string? json) => Assert.Empty(BranchMetadata.Parse(json));

    [Fact]
    public void Adding_keeps_existing_entries_and_unknown_fields_and_records_the_checksum()
    {
        var withExtra = Ruby.Replace("\"database\": \"shop_production\"", "\"database\": \"shop_production\", \"note\": \"kept\"");
        var added = BranchMetadata.Add(withExtra, new Branch("b2", "2026-01-01T00:00:00+00:00", 10, "postgres", "shop_production", "ab12"));
        var all = BranchMetadata.Parse(added);
        Assert.Equal(["20250102-030405", "b2"], all.Select(b => b.Id));
        Assert.Equal("ab12", all[1].Sha256);
        using var doc = JsonDocument.Parse(added);
        var first = doc.RootElement.GetProperty("branches")[0];
        Assert.Equal("kept", first.GetProperty("note").GetString());
        var second = doc.RootElement.GetProperty("branches")[1];
        // Exactly 0.2.0's keys plus sha256, with + written as is (Ruby's Time.iso8601 reads it back).
        Assert.Equal(["id", "created_at", "size", "adapter", "database", "sha256"], second.EnumerateObject().Select(p => p.Name));
        Assert.Contains("\"2026-01-01T00:00:00+00:00\"", added);
    }

    [Fact]
    public void Ids_and_times_have_the_documented_shapes()
    {
        var t = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));
        Assert.Equal("20260304030607", BranchMetadata.DefaultId(t));
        Assert.Equal("2026-03-04T03:06:07+00:00", BranchMetadata.FormatCreatedAt(t));
        Assert.True(BranchMetadata.IsValidId("20250102-030405"));
        Assert.True(BranchMetadata.IsValidId("before_migration.v2"));
        Assert.False(BranchMetadata.IsValidId("../x"));
        Assert.False(BranchMetadata.IsValidId("-x"));
        Assert.False(BranchMetadata.IsValidId("a b"));
        Assert.False(BranchMetadata.IsValidId(""));
    }
}
