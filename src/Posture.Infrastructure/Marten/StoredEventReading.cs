using System.Data.Common;
using Marten;

namespace Posture.Infrastructure.Marten;

/// <summary>
/// How a stored event row becomes today's event outside Marten's own readers: the type Marten maps its stored name to,
/// deserialized by the store's serializer, or, for a name with an upcaster (<see cref="PostureStore.Upcasters"/>), by
/// that upcaster, exactly as Marten reads it.
/// </summary>
public sealed class StoredEventReading
{
    private readonly ISerializer _serializer;
    private readonly Dictionary<string, Func<ISerializer, DbDataReader, int, object>> _readers;

    private StoredEventReading(ISerializer serializer, Dictionary<string, Func<ISerializer, DbDataReader, int, object>> readers)
    {
        _serializer = serializer;
        _readers = readers;
    }

    /// <summary>The stored names this reading reads.</summary>
    public IEnumerable<string> StoredNames => _readers.Keys;

    /// <summary>Reads the event types the store knows and <paramref name="folds"/> take (all of them when null).</summary>
    public static StoredEventReading For(IReadOnlyStoreOptions options, IReadOnlyList<IDomainFold>? folds)
    {
        ArgumentNullException.ThrowIfNull(options);
        var readers = new Dictionary<string, Func<ISerializer, DbDataReader, int, object>>(StringComparer.Ordinal);
        bool Taken(Type type) => folds is null || folds.Any(f => f.Takes(type));
        foreach (var known in options.Events.AllKnownEventTypes().Where(t => Taken(t.EventType)))
        {
            var type = known.EventType;
            readers[known.EventTypeName] = (serializer, reader, column) => serializer.FromJson(type, reader, column);
        }

        foreach (var upcaster in PostureStore.Upcasters.Where(u => Taken(u.EventType)))
        {
            readers[upcaster.EventTypeName] = upcaster.FromDbDataReader;
        }

        return new StoredEventReading(options.Serializer(), readers);
    }

    /// <summary>The event stored under <paramref name="storedName"/> in the JSON column <paramref name="column"/> of the current row.</summary>
    public object Read(string storedName, DbDataReader reader, int column) =>
        _readers.TryGetValue(storedName, out var read)
            ? read(_serializer, reader, column)
            : throw new InvalidOperationException($"No reading for stored events named '{storedName}'.");
}
