using System.Text.Json;
using Alba;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Posture.IntegrationTests.Hostile;

/// <summary>What a body field holds, as the OpenAPI document describes it.</summary>
public enum FieldKind
{
    Id,
    Ids,
    Text,
    WholeNumber,
    Number,
    Instant,
    Word,
    Other,
}

public sealed record BodyField(string Name, FieldKind Kind, IReadOnlyList<string> Words);

/// <summary>
/// One write endpoint as the running host serves it: its route template (from the endpoint data source, so an
/// endpoint added tomorrow is fuzzed tomorrow) and the fields of its JSON body (from the OpenAPI document; null when
/// the endpoint takes no body).
/// </summary>
public sealed record WriteEndpoint(string Route, IReadOnlyList<BodyField>? Body)
{
    public override string ToString() => $"POST {Route}";

    /// <summary>Every POST endpoint the host routes, with the body its OpenAPI operation declares.</summary>
    public static async Task<IReadOnlyList<WriteEndpoint>> AllAsync(IAlbaHost host)
    {
        var routes = Routes(host, "POST");
        var document = await host.GetAsJson<JsonElement>("/openapi/v1.json");
        var schemas = document.GetProperty("components").GetProperty("schemas");
        return routes.Select(route => new WriteEndpoint(route, BodyOf(document, schemas, route))).ToList();
    }

    /// <summary>Every route template the host serves for <paramref name="method"/>.</summary>
    public static List<string> Routes(IAlbaHost host, string method) =>
        host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method) == true)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    private static List<BodyField>? BodyOf(JsonElement document, JsonElement schemas, string route)
    {
        if (!document.GetProperty("paths").TryGetProperty(route, out var path)
            || !path.TryGetProperty("post", out var operation)
            || !operation.TryGetProperty("requestBody", out var requestBody))
        {
            return null;
        }

        var schema = Resolve(schemas, requestBody.GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        return schema.GetProperty("properties").EnumerateObject().Select(p => Field(schemas, p.Name, p.Value)).ToList();
    }

    private static BodyField Field(JsonElement schemas, string name, JsonElement schema)
    {
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            schema = oneOf.EnumerateArray().First(s => s.TryGetProperty("$ref", out _));
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = Resolve(schemas, schema);
            if (target.TryGetProperty("enum", out var words))
            {
                return new BodyField(name, FieldKind.Word,
                    words.EnumerateArray().Where(w => w.ValueKind == JsonValueKind.String).Select(w => w.GetString()!).ToList());
            }

            return new BodyField(name, reference.GetString()!.EndsWith("/Instant", StringComparison.Ordinal) ? FieldKind.Instant : FieldKind.Other, []);
        }

        var types = schema.TryGetProperty("type", out var type)
            ? type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()]
            : [];
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        var kind = (types, format) switch
        {
            _ when types.Contains("array") => FieldKind.Ids,
            _ when types.Contains("integer") => FieldKind.WholeNumber,
            _ when types.Contains("number") => FieldKind.Number,
            (_, "uuid") => FieldKind.Id,
            _ when types.Contains("string") => FieldKind.Text,
            _ => FieldKind.Other,
        };
        return new BodyField(name, kind, []);
    }

    private static JsonElement Resolve(JsonElement schemas, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1]) : schema;
}
