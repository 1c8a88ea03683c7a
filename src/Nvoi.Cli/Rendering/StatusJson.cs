using System.Text.Json.Serialization;
using Nvoi.Operations.Status;

namespace Nvoi.Cli.Rendering;

/// <summary>
/// Source-generated serializer of <c>nvoi status --json</c> (snake_case, nulls left out); its shape is
/// docs/schema/status.schema.json.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AppStatus))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
