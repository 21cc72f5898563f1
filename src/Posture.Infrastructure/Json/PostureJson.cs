using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace Posture.Infrastructure.Json;

/// <summary>
/// The one JSON dialect Posture speaks, in storage and over HTTP alike: camelCase names, instants as ISO-8601 UTC
/// strings, enums as kebab-case words (open-area, occupied-area). The HTTP host adds the refusal of
/// unknown properties; storage does not, so old events with a retired field still load.
/// </summary>
public static class PostureJson
{
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new WordEnumConverter());
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        return options;
    }

    /// <summary>Options for a caller that needs its own instance (tests, the CLI's JSON output).</summary>
    public static JsonSerializerOptions Create() => Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
