using JasperFx.Events;
using Marten;
using Npgsql;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Marten;
using Posture.Infrastructure.Sites;

namespace Posture.Infrastructure.Audit;

/// <summary>
/// Answers site questions from the event history itself rather than from the read models, so an auditor can ask
/// "what did Posture know at K" (only events recorded — Marten's <see cref="IEvent.Timestamp"/> — by K) as well as
/// "what do we know now" about any instant. The events are folded by the same pure domain folds the read models use,
/// into a <see cref="SiteSnapshot"/>, so every view built from a snapshot answers the same way for both paths.
/// </summary>
public sealed class HistoryReader(ThreatOptions options)
{
    /// <summary>The stored names of the events people record: Posture's own threat records say nothing the folds read.</summary>
    private static readonly string[] Recorded = EventCatalogue.StoredNames
        .Where(n => n.Key != typeof(ThreatLevelChanged)).Select(n => n.Value).ToArray();

    private static readonly Instant EarliestRecordable = Instant.FromDateTimeOffset(DateTimeOffset.MinValue);

    /// <summary>
    /// Every event people recorded by <paramref name="knownAt"/> (all of them when null), in the order they were
    /// recorded. It reads the whole store; a site's own question is answered by AroundAsync from the streams around it.
    /// </summary>
    public static Task<IReadOnlyList<IEvent>> RecordedByAsync(IQuerySession session, Instant? knownAt, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        return RecordedByAsync(session, knownAt, streams: null, cancellation);
    }

    /// <summary>
    /// The snapshot of a site and its neighbours as the history recorded by <paramref name="knownAt"/> tells it; null
    /// when the site was not registered by then.
    /// <para>
    /// Only the streams that can change the answer are read: the Base streams of the site and of every site within
    /// the nearby radius (a site never moves, and is never removed, so today's positions say which were near at any
    /// moment), and every contractor's and mission's stream (few; they carry the people and the organisations' names).
    /// The rest of the history, however long, is not read.
    /// </para>
    /// </summary>
    public async Task<SiteSnapshot?> AroundAsync(IQuerySession session, Guid siteId, Instant? knownAt, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var places = await SiteReader.PlacesAsync(session, cancellation).ConfigureAwait(false);
        var near = new SiteReader(options).Near(places, [siteId]).ToList();
        if (near.Count == 0)
        {
            return null;
        }

        var organisations = await session.Query<Organisation>().Select(o => o.Id).ToListAsync(cancellation).ConfigureAwait(false);
        var events = await PayloadsRecordedByAsync(session, knownAt, [.. near, .. organisations], cancellation).ConfigureAwait(false);
        var snapshot = Fold(events, options);
        return snapshot.Site(siteId) is null ? null : snapshot;
    }

    /// <summary>
    /// The payloads alone of what <see cref="RecordedByAsync(IQuerySession, Instant?, Guid[], CancellationToken)"/> answers:
    /// the same rows (recorded kinds, not archived, by <paramref name="knownAt"/>, in recorded order), but only their
    /// stored name and data are read, and each payload is read as Marten reads it (<see cref="StoredEvents"/>). Marten's
    /// own read also builds each event's metadata (user, correlation, headers), which a fold does not need and which cost
    /// four times the payloads on a 1,000-event stream (docs/adr/0020).
    /// </summary>
    private static async Task<IReadOnlyList<object>> PayloadsRecordedByAsync(
        IQuerySession session, Instant? knownAt, Guid[] streams, CancellationToken cancellation)
    {
        var cutoff = knownAt is { } known ? (known < EarliestRecordable ? DateTimeOffset.MinValue : known.ToDateTimeOffset()) : (DateTimeOffset?)null;
        await using var command = new NpgsqlCommand(
            $"""
             select type, data from {session.DocumentStore.Options.Schema.ForEvents()}
             where stream_id = any(@streams) and type = any(@types) and is_archived = false
             {(cutoff is null ? "" : "and timestamp <= @cutoff")}
             order by seq_id
             """);
        command.Parameters.AddWithValue("streams", streams);
        command.Parameters.AddWithValue("types", Recorded);
        if (cutoff is { } time)
        {
            command.Parameters.AddWithValue("cutoff", time);
        }

        var serializer = session.DocumentStore.Options.Serializer();
        var payloads = new List<object>();
        await using var reader = await session.ExecuteReaderAsync(command, cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            payloads.Add(StoredEvents.Read(reader.GetString(0), reader, 1, serializer));
        }

        return payloads;
    }

    /// <summary>What <see cref="RecordedByAsync(IQuerySession, Instant?, CancellationToken)"/> answers, from these streams only when given.</summary>
    private static async Task<IReadOnlyList<IEvent>> RecordedByAsync(
        IQuerySession session, Instant? knownAt, Guid[]? streams, CancellationToken cancellation)
    {
        IQueryable<IEvent> events = session.Events.QueryAllRawEvents().Where(e => e.EventTypeName.IsOneOf(Recorded));
        if (streams is not null)
        {
            events = events.Where(e => e.StreamId.IsOneOf(streams));
        }

        if (knownAt is { } known)
        {
            // Nothing was recorded before year 1, the earliest instant a DateTimeOffset holds (NodaTime goes back to -9998).
            var cutoff = known < EarliestRecordable ? DateTimeOffset.MinValue : known.ToDateTimeOffset();
            events = events.Where(e => e.Timestamp <= cutoff);
        }

        return await events.OrderBy(e => e.Sequence).ToListAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Folds events (in recorded order) into sites, incident log rows and organisation names exactly as the inline
    /// projections route them (see PostureStore), and into the threat scorer's inputs.
    /// </summary>
    public static SiteSnapshot Fold(IEnumerable<object> events, ThreatOptions options)
    {
        ArgumentNullException.ThrowIfNull(events);
        var history = events.ToList();
        var rows = FoldReadModels(history);
        return new SiteSnapshot(
            rows.Sites.Values.ToList(),
            rows.Incidents.Values.ToList(),
            rows.Organisations.Values.ToDictionary(o => o.Id, o => o.Name),
            ThreatInputs.From(history),
            options);
    }

    /// <summary>
    /// The rows of the three inline read models (SitePosture, IncidentLogEntry, Organisation) that folding
    /// <paramref name="events"/> (in recorded order) produces, routed as PostureStore routes them; rows a fold deleted are left out.
    /// </summary>
    public static ReadModelRows FoldReadModels(IEnumerable<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var sites = new Dictionary<Guid, SitePosture?>();
        var incidents = new Dictionary<Guid, IncidentLogEntry?>();
        var organisations = new Dictionary<Guid, Organisation?>();
        foreach (var @event in events)
        {
            Apply(sites, SiteOf(@event), @event, SitePosture.Evolve);
            Apply(incidents, IncidentOf(@event), @event, IncidentLogEntry.Evolve);
            Apply(organisations, OrganisationOf(@event), @event, Organisation.Evolve);
        }

        return new ReadModelRows(Present(sites), Present(incidents), Present(organisations));
    }

    private static void Apply<T>(Dictionary<Guid, T?> rows, Guid? id, object @event, Func<T?, object, T?> evolve) where T : class
    {
        if (id is { } key)
        {
            rows[key] = evolve(rows.GetValueOrDefault(key), @event);
        }
    }

    private static Dictionary<Guid, T> Present<T>(Dictionary<Guid, T?> rows) where T : class =>
        rows.Where(r => r.Value is not null).ToDictionary(r => r.Key, r => r.Value!);

    private static Guid? SiteOf(object @event) => @event is IBaseEvent e ? e.BaseId : Headcount.ChangeOf(@event)?.BaseId;

    private static Guid? IncidentOf(object @event) => @event switch
    {
        IIncidentOccurred e => e.IncidentId,
        IncidentCorrected e => e.IncidentId,
        IncidentRetracted e => e.IncidentId,
        _ => null,
    };

    private static Guid? OrganisationOf(object @event) => @event switch
    {
        Domain.Contractors.ContractorEngaged e => e.ContractorId,
        Domain.Missions.MissionLaunched e => e.MissionId,
        Domain.Missions.MissionExpanded e => e.MissionId,
        Domain.Missions.MissionReduced e => e.MissionId,
        _ => null,
    };
}

/// <summary>The read models' rows by id, as a fold of the history produced them.</summary>
public sealed record ReadModelRows(
    IReadOnlyDictionary<Guid, SitePosture> Sites,
    IReadOnlyDictionary<Guid, IncidentLogEntry> Incidents,
    IReadOnlyDictionary<Guid, Organisation> Organisations);
