using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Marten;
using Npgsql;
using NodaTime;
using Posture.Domain.Incidents;
using Posture.Infrastructure.Marten;

namespace Posture.Infrastructure.Audit;

/// <summary>
/// Reads the history around a site for <see cref="HistoryReader"/> from the newest usable <see cref="BaseHistorySnapshot"/>
/// of each Base stream (its chain put together) and the events after it, and writes a stream's snapshots when a read
/// had to fold <see cref="BaseHistorySnapshot.Every"/> or more of its events (docs/adr/0021-history-snapshots-for-asof-and-knownat.md,
/// docs/adr/0027). A chain once put together is kept in memory by its newest snapshot's id and chain hash, so a busy
/// stream's snapshots are read and assembled once per process.
/// </summary>
internal sealed class HistorySnapshots
{
    /// <summary>At most this many assembled snapshots are held in memory (each is a stream's fold: up to a megabyte for 1,000 incidents).</summary>
    public const int MostKept = 64;

    private readonly ConcurrentDictionary<string, BaseHistorySnapshot> _held = new(StringComparer.Ordinal);

    private static string HeldKey(string id, string chainHash) => $"{id}:{chainHash}";

    // How the store's stored events are read, built once for the store it was built from.
    private (IReadOnlyStoreOptions Options, StoredEventReading Reading)? _reading;

    private StoredEventReading ReadingFor(IReadOnlyStoreOptions options)
    {
        if (_reading is not { } known || !ReferenceEquals(known.Options, options))
        {
            known = (options, StoredEventReading.For(options, null));
            _reading = known;
        }

        return known.Reading;
    }

    /// <summary>
    /// The events people recorded in <paramref name="streams"/> by <paramref name="knownAt"/> (all when null), in recorded
    /// order, with each Base stream's newest snapshot that covers only events known by then (when
    /// <paramref name="fromSnapshots"/>), its chain assembled, standing in for the events it covers, at the place its site began. The same
    /// rows as <see cref="HistoryReader.RecordedByAsync(IQuerySession, Instant?, CancellationToken)"/> reads (recorded
    /// kinds, not archived, by knownAt), names and payloads only, each read as Marten reads it (StoredEventReading), which costs
    /// a quarter of Marten's own read (docs/adr/0020). Null when a snapshot's JSON could not be read or its chain put together.
    /// </summary>
    public async Task<HistoryRead?> ReadAsync(IQuerySession session, Instant? knownAt, Guid[] streams, bool fromSnapshots, CancellationToken cancellation)
    {
        var schema = session.DocumentStore.Options.Schema;
        var events = schema.ForEvents();
        var snapshots = schema.For<BaseHistorySnapshot>();
        var cutoff = knownAt is { } known
            ? (known < HistoryReader.EarliestRecordable ? DateTimeOffset.MinValue : known.ToDateTimeOffset())
            : (DateTimeOffset?)null;
        // One statement, so the snapshots chosen and the events read after them are seen in one state of the store.
        // A stream's snapshots form a chain, each holding what changed since the one before it (docs/adr/0027): a
        // snapshot is usable only while it and every one before it are of today's shape, each follows the one before,
        // and the event at each one's version is still there, not archived, with the chain hash it was taken at (a
        // rewritten or removed event makes it unusable, docs/adr/0014); and only for a knownAt by which every event it
        // covers had been recorded. The newest usable one is chosen by the columns alone: the documents are read only
        // for the chain up to it, and not at all when its assembly is held here already.
        await using var command = new NpgsqlCommand(
            $"""
             with linked as (
               select s.id, s.stream_id, s.stream_version as version, s.chain_hash, s.registered_sequence, s.known_by,
                      coalesce(not e.is_archived and e.headers ->> '{EventChain.HashHeader}' = s.chain_hash
                        and s.previous_version = coalesce(lag(s.stream_version) over (partition by s.stream_id order by s.stream_version), 0), false) as usable
               from {snapshots} s
               left join {events} e on e.stream_id = s.stream_id and e.version = s.stream_version
               where @snapshots and s.stream_id = any(@streams) and s.shape = @shape
             ),
             chained as (
               select l.*, bool_and(l.usable) over (partition by l.stream_id order by l.version) as whole from linked l
             ),
             chosen as materialized (
               select distinct on (c.stream_id) c.stream_id, c.version, c.id || ':' || c.chain_hash = any(@held) as held
               from chained c
               where c.whole {(cutoff is null ? "" : "and c.known_by <= @cutoff")}
               order by c.stream_id, c.version desc
             )
             select 0, k.registered_sequence, k.stream_id, k.version, null::timestamptz, k.chain_hash, k.id,
                    case when c.held then null else (select d.data from {snapshots} d where d.id = k.id) end,
                    k.version = c.version
             from chosen c join chained k on k.stream_id = c.stream_id and k.version <= c.version and (k.version = c.version or not c.held)
             union all
             select 1, e.seq_id, e.stream_id, e.version, e.timestamp, e.headers ->> '{EventChain.HashHeader}', e.type, e.data, false
             from {events} e left join chosen c on c.stream_id = e.stream_id
             where e.stream_id = any(@streams) and e.type = any(@types) and e.is_archived = false
               and (c.version is null or e.version > c.version)
               {(cutoff is null ? "" : "and e.timestamp <= @cutoff")}
             order by 2, 4
             """);
        command.Parameters.AddWithValue("snapshots", fromSnapshots);
        command.Parameters.AddWithValue("streams", streams);
        command.Parameters.AddWithValue("shape", BaseHistorySnapshot.CurrentShape);
        command.Parameters.AddWithValue("held", _held.Values.Select(h => HeldKey(h.Id, h.ChainHash)).ToArray());
        command.Parameters.AddWithValue("types", HistoryReader.Recorded);
        if (cutoff is { } time)
        {
            command.Parameters.AddWithValue("cutoff", time);
        }

        var serializer = session.DocumentStore.Options.Serializer();
        var reading = ReadingFor(session.DocumentStore.Options);
        var read = new HistoryRead();
        // A stream's chain comes in version order, all at the sequence where its site began, ending at the chosen one.
        var chain = new List<BaseHistorySnapshot>();
        await using var reader = await session.ExecuteReaderAsync(command, cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            var sequence = reader.GetInt64(1);
            var stream = reader.GetGuid(2);
            var version = reader.GetInt64(3);
            var hash = reader.IsDBNull(5) ? null : reader.GetString(5);
            if (reader.GetInt32(0) == 1)
            {
                var payload = reading.Read(reader.GetString(6), reader, 7);
                read.Add(new HistoryEvent(sequence, stream, version, reader.GetFieldValue<DateTimeOffset>(4), hash, payload));
                continue;
            }

            if (reader.IsDBNull(7))
            {
                if (!_held.TryGetValue(HeldKey(reader.GetString(6), hash!), out var held))
                {
                    return null;
                }

                read.Restore(held);
                continue;
            }

            if (Snapshot(reader, serializer) is not { } snapshot)
            {
                return null;
            }

            chain.Add(snapshot);
            if (reader.GetBoolean(8))
            {
                if (Assembled(chain) is not { } whole)
                {
                    return null;
                }

                chain.Clear();
                Hold(whole);
                read.Restore(whole);
            }
        }

        return read;
    }

    private static BaseHistorySnapshot? Snapshot(System.Data.Common.DbDataReader reader, ISerializer serializer)
    {
        try
        {
            return serializer.FromJson<BaseHistorySnapshot>(reader, 7);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A chain read from the store put together, or null when its documents do not follow one another as their columns said.</summary>
    private static BaseHistorySnapshot? Assembled(IReadOnlyList<BaseHistorySnapshot> chain)
    {
        try
        {
            return BaseHistorySnapshot.Assemble(whole: null, chain);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private void Hold(BaseHistorySnapshot snapshot)
    {
        if (_held.Count >= MostKept)
        {
            _held.Clear();
        }

        _held[HeldKey(snapshot.Id, snapshot.ChainHash)] = snapshot;
    }

    /// <summary>
    /// Writes the snapshots of every Base stream among <paramref name="bases"/> whose read folded
    /// <see cref="BaseHistorySnapshot.Every"/> or more events past its snapshot: from this read when it read everything
    /// (no knownAt), otherwise from a read of that stream alone as known now. Written in a session of its own, by id
    /// (a stream and version), so two readers writing the same snapshot write the same document; the stream's snapshots
    /// of an old shape, which no read uses, are dropped with it.
    /// </summary>
    public async Task KeepAsync(IQuerySession session, HistoryRead read, Instant? knownAt, IReadOnlyList<Guid> bases, CancellationToken cancellation)
    {
        var kept = new List<BaseHistorySnapshot>();
        var assembled = new List<BaseHistorySnapshot>();
        foreach (var stream in bases.Where(s => read.Folded(s) >= BaseHistorySnapshot.Every))
        {
            var whole = knownAt is null
                ? read
                : await ReadAsync(session, knownAt: null, [stream], fromSnapshots: true, cancellation).ConfigureAwait(false);
            var from = whole?.Restored(stream);
            var chain = whole is null ? [] : Checkpoints(stream, from, whole.Events(stream));
            if (chain.Count > 0)
            {
                kept.AddRange(chain);
                assembled.Add(BaseHistorySnapshot.Assemble(from, chain));
            }
        }

        if (kept.Count == 0)
        {
            return;
        }

        await using var writing = session.DocumentStore.LightweightSession();
        writing.Store(kept.ToArray());
        foreach (var stream in kept.Select(k => k.StreamId).Distinct())
        {
            writing.DeleteWhere<BaseHistorySnapshot>(s => s.StreamId == stream && s.Shape != BaseHistorySnapshot.CurrentShape);
        }

        await writing.SaveChangesAsync(cancellation).ConfigureAwait(false);
        foreach (var whole in assembled)
        {
            Hold(whole);
        }
    }

    /// <summary>
    /// The snapshots of <paramref name="stream"/> at every <see cref="BaseHistorySnapshot.Every"/>-th version past
    /// <paramref name="from"/> (the whole fold up to its version, or nothing), folding <paramref name="events"/> (the
    /// stream's events after it, in order) with the reader's own fold, each holding what changed since the one before.
    /// None where the stream does not fold into its own site alone (it always does: a Base stream's events name their
    /// base), or where the event at the snapshot's version has no chain hash to be checked against.
    /// </summary>
    internal static IReadOnlyList<BaseHistorySnapshot> Checkpoints(Guid stream, BaseHistorySnapshot? from, IEnumerable<HistoryEvent> events)
    {
        var fold = new HistoryFold(threat: true);
        if (from is not null)
        {
            fold.Add(from);
        }

        var registered = from?.RegisteredSequence;
        var knownBy = from?.KnownBy ?? DateTimeOffset.MinValue;
        var previous = from?.StreamVersion ?? 0;
        var siteFloors = from?.Site.Floors.Count ?? 0;
        var threatFloors = from?.Threat.Floors.Count ?? 0;
        // The incidents the events since the previous snapshot touched, in the order they first did.
        var touched = new List<Guid>();
        var seen = new HashSet<Guid>();
        var next = NextAfter(previous);
        var snapshots = new List<BaseHistorySnapshot>();
        var last = previous;
        foreach (var @event in events)
        {
            // A snapshot covers every version up to its own, and a read takes the versions after it: that holds only
            // while recorded order is version order within the stream (it is: each append takes the next version).
            if (@event.Version <= last)
            {
                break;
            }

            last = @event.Version;
            fold.Add(@event.Payload);
            if (HistoryFold.IncidentOf(@event.Payload) is { } incident && seen.Add(incident))
            {
                touched.Add(incident);
            }

            knownBy = @event.RecordedAt > knownBy ? @event.RecordedAt : knownBy;
            registered ??= fold.Site(stream) is null ? null : @event.Sequence;
            if (@event.Version < next)
            {
                continue;
            }

            next = NextAfter(@event.Version);
            var rows = touched.Select(fold.Incident).OfType<IncidentLogEntry>().ToList();
            if (@event.ChainHash is not { } hash || registered is not { } sequence || fold.Site(stream) is not { } site
                || fold.Met != (1, 0) || rows.Any(i => i.SiteId != stream)
                || fold.Inputs.Sites.Count != 1 || fold.Inputs.Sites.GetValueOrDefault(stream) is not { } threat
                || site.Floors.Count < siteFloors || threat.Floors.Count < threatFloors)
            {
                break;
            }

            snapshots.Add(new BaseHistorySnapshot(
                BaseHistorySnapshot.IdOf(stream, @event.Version), stream, @event.Version, previous, sequence, knownBy, hash,
                BaseHistorySnapshot.CurrentShape,
                site with { Floors = site.Floors.GetRange(siteFloors, site.Floors.Count - siteFloors) },
                rows,
                touched.Where(id => fold.Incident(id) is null).ToList(),
                threat with
                {
                    Incidents = touched.Where(threat.Incidents.ContainsKey).ToImmutableDictionary(id => id, id => threat.Incidents[id]),
                    Floors = threat.Floors.GetRange(threatFloors, threat.Floors.Count - threatFloors),
                }));
            previous = @event.Version;
            siteFloors = site.Floors.Count;
            threatFloors = threat.Floors.Count;
            touched.Clear();
            seen.Clear();
        }

        return snapshots;
    }

    private static long NextAfter(long version) => (version / BaseHistorySnapshot.Every + 1) * BaseHistorySnapshot.Every;

    /// <summary>Drops every snapshot (they are derived data): <c>projections rebuild</c> does, and the next long reads write them again.</summary>
    public static async Task DropAllAsync(IDocumentStore store, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.LightweightSession();
        session.DeleteWhere<BaseHistorySnapshot>(_ => true);
        await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
    }
}

/// <summary>One recorded event as a history read returns it.</summary>
internal sealed record HistoryEvent(long Sequence, Guid StreamId, long Version, DateTimeOffset RecordedAt, string? ChainHash, object Payload);

/// <summary>What <see cref="HistorySnapshots.ReadAsync"/> read: the snapshots used and the events after them, in recorded order.</summary>
internal sealed class HistoryRead
{
    private readonly List<object> _items = [];
    private readonly Dictionary<Guid, BaseHistorySnapshot> _restored = [];
    private readonly Dictionary<Guid, List<HistoryEvent>> _events = [];

    /// <summary>What to fold: each event's payload, and each snapshot where its site began.</summary>
    public IReadOnlyList<object> Items => _items;

    public void Restore(BaseHistorySnapshot snapshot)
    {
        _items.Add(snapshot);
        _restored[snapshot.StreamId] = snapshot;
    }

    public void Add(HistoryEvent @event)
    {
        _items.Add(@event.Payload);
        if (!_events.TryGetValue(@event.StreamId, out var events))
        {
            _events[@event.StreamId] = events = [];
        }

        events.Add(@event);
    }

    public BaseHistorySnapshot? Restored(Guid stream) => _restored.GetValueOrDefault(stream);

    public IReadOnlyList<HistoryEvent> Events(Guid stream) => _events.GetValueOrDefault(stream) ?? [];

    /// <summary>How many of the stream's events were folded past its snapshot.</summary>
    public int Folded(Guid stream) => Events(stream).Count;
}
