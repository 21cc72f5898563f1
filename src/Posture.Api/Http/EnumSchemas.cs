using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Posture.Domain.Common;
using Posture.Infrastructure.Json;

namespace Posture.Api.Http;

/// <summary>
/// Enums are read and written by Posture's own converter (<see cref="WordEnumConverter"/>), which the OpenAPI schema
/// generator cannot see into: each enum's schema is filled in with the words the converter accepts.
/// </summary>
public static class EnumSchemas
{
    private static readonly Dictionary<string, Type> Enums = typeof(Rejection).Assembly.GetExportedTypes()
        .Where(t => t.IsEnum)
        .ToDictionary(t => t.Name);

    public static void Describe(OpenApiDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (Enums.TryGetValue(name, out var type) && schema is OpenApiSchema described)
            {
                described.Type = JsonSchemaType.String;
                described.Enum = [.. Enum.GetNames(type).Select(n => (JsonNode)WordEnumConverter.Word(n))];
            }
        }
    }
}
