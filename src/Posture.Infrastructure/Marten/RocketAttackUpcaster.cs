using System.Buffers;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Marten.Services.Json.Transformations.SystemTextJson;
using Posture.Domain.Bases;
using Posture.Infrastructure.Json;

namespace Posture.Infrastructure.Marten;

/// <summary>
/// Reads <c>rocket_attack_occurred</c> in both its shapes (docs/events.md, change log). The first shape (before
/// 2026-11-26) kept the report's fields flat at the top level, with no precision and a <c>claimedBy</c> in place of
/// attribution; it is read as today's <see cref="RocketAttackOccurred"/> with precision exact and attribution
/// claimed (by <c>claimedBy</c>) when it named someone, unknown otherwise. Today's shape is read as it is.
/// Registered under the stored name (<see cref="PostureStore.Upcasters"/>), so Marten takes this reading for every
/// stored row of that name, and so do Posture's own readers (the rebuild, and StoredEventReading, for asOf too); writing is unchanged.
/// <para>
/// A stored row is deserialized straight from its bytes, in one pass; only a payload that turns out to have no report
/// (the first shape) is parsed into a document and rewritten. Marten's way, a parsed document for every row and a
/// deserialization from it, read every rocket attack twice: most of the rebuild's processor time (issue 8).
/// </para>
/// </summary>
public sealed class RocketAttackUpcaster : EventUpcaster<RocketAttackOccurred>
{
    private static readonly JsonSerializerOptions Json = PostureJson.Create();

    public override string EventTypeName => EventCatalogue.StoredNames[typeof(RocketAttackOccurred)];

    protected override RocketAttackOccurred Upcast(JsonDocument oldEvent) => Read(oldEvent);

    /// <summary>Reads the payload in column <paramref name="index"/> of the current row (Marten's sync and async reads, and Posture's).</summary>
    public override object FromDbDataReader(ISerializer serializer, DbDataReader dbDataReader, int index)
    {
        ArgumentNullException.ThrowIfNull(dbDataReader);
        using var stored = dbDataReader.GetFieldValue<Stream>(index);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var length = 0;
            int read;
            while ((read = stored.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            return Read(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Today's event from a stored payload of either shape, as UTF-8 (jsonb's version byte, 1, first or not).</summary>
    public static RocketAttackOccurred Read(ReadOnlySpan<byte> stored)
    {
        if (stored.Length > 0 && stored[0] == 1)
        {
            stored = stored[1..];
        }

        // Today's shape (nearly every row) in one pass; a payload without a report is read as before, through a document.
        if (JsonSerializer.Deserialize<RocketAttackOccurred>(stored, Json) is { Report: not null } current)
        {
            return current;
        }

        using var document = JsonDocument.Parse(stored.ToArray());
        return Read(document);
    }

    /// <summary>Today's event from a stored payload of either shape.</summary>
    public static RocketAttackOccurred Read(JsonDocument stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        // Today's shape (nearly every row) is deserialized from the parsed document as it is; only the first shape is rewritten.
        var current = stored.RootElement.TryGetProperty("report", out _)
            ? stored.Deserialize<RocketAttackOccurred>(Json)
            : FromFirstShape(JsonNode.Parse(stored.RootElement.GetRawText())!.AsObject()).Deserialize<RocketAttackOccurred>(Json);
        return current ?? throw new JsonException("rocket_attack_occurred with an empty payload");
    }

    private static JsonObject FromFirstShape(JsonObject old)
    {
        var claimedBy = old["claimedBy"]?.GetValue<string>();
        var claimed = !string.IsNullOrWhiteSpace(claimedBy);
        JsonNode? Copy(string name) => old[name]?.DeepClone();
        return new JsonObject
        {
            ["baseId"] = Copy("baseId"),
            ["incidentId"] = Copy("incidentId"),
            ["report"] = new JsonObject
            {
                ["occurredAt"] = Copy("occurredAt"),
                ["precision"] = "exact",
                ["rounds"] = Copy("rounds"),
                ["impact"] = Copy("impact"),
                ["killed"] = Copy("killed"),
                ["injured"] = Copy("injured"),
                ["casualtiesAffiliation"] = Copy("casualtiesAffiliation"),
                ["attribution"] = claimed ? "claimed" : "unknown",
                ["attributedTo"] = claimed ? claimedBy : null,
                ["source"] = Copy("source"),
                ["confidence"] = Copy("confidence"),
                ["notes"] = Copy("notes"),
            },
        };
    }
}
