using System.Data.Common;
using Marten;
using Marten.Services.Json.Transformations;

namespace Posture.Infrastructure.Marten;

/// <summary>
/// Reads an event's payload from its stored name and data column, as Marten reads it: the type its name is pinned to
/// (<see cref="EventCatalogue"/>), through Marten's own serializer, and a name with an upcaster
/// (<see cref="PostureStore.Upcasters"/>, the same list Marten is given) through that upcaster. For readers that select
/// only those two columns (HistoryReader) rather than Marten's whole event row.
/// </summary>
public static class StoredEvents
{
    private static readonly Dictionary<string, Type> Types = EventCatalogue.StoredNames.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    private static readonly Dictionary<string, IEventUpcaster> Upcast = PostureStore.Upcasters.ToDictionary(u => u.EventTypeName, StringComparer.Ordinal);

    /// <summary>The payload in column <paramref name="data"/> of the current row, stored under <paramref name="storedName"/>.</summary>
    public static object Read(string storedName, DbDataReader reader, int data, ISerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(serializer);
        if (Upcast.TryGetValue(storedName, out var upcaster))
        {
            return upcaster.FromDbDataReader(serializer, reader, data);
        }

        return Types.TryGetValue(storedName, out var type)
            ? serializer.FromJson(type, reader, data)
            : throw new InvalidOperationException($"no event type is stored under the name '{storedName}'");
    }
}
