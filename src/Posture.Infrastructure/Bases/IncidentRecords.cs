using System.Linq.Expressions;
using JasperFx.Events;
using Marten;
using Marten.Linq.MatchesSql;
using Marten.Services.BatchQuerying;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Common;
using Posture.Domain.Incidents;
using Posture.Infrastructure.Bus;
using Posture.Infrastructure.Marten;
using Wolverine;

namespace Posture.Infrastructure.Bases;

/// <summary>
/// What a base's own events say of the incidents a command names (<see cref="IncidentRecord"/>): the Base decision state
/// keeps nothing per incident (every command on the base loads it and it would grow with every incident), so a
/// handler reads the few incidents it needs here, in the same round trip as the state, and gives them to the pure
/// decider. It reads the stream's events, not a read model: it is exact even while the read models are rebuilt, and an
/// incident id used at two bases is read from the base asked about. Found by an index on the base and the payload's
/// incident id (<see cref="IncidentIndex"/>), so its cost does not grow with the base's history.
/// </summary>
public static class IncidentRecords
{
    /// <summary>The stored names of the events that are about one incident: its occurrence, corrections, retraction.</summary>
    private static readonly string[] AboutAnIncident = EventCatalogue.StoredNames
        .Where(n => typeof(IIncidentOccurred).IsAssignableFrom(n.Key) || n.Key == typeof(IncidentCorrected) || n.Key == typeof(IncidentRetracted))
        .Select(n => n.Value).ToArray();

    /// <summary>
    /// Adds to <paramref name="batch"/> the read of every event of <paramref name="baseId"/>'s stream about one of
    /// <paramref name="incidentIds"/>. Give what it answers to <see cref="AsOf"/> with the version the decision state was
    /// read at. (A statement of a batch may see a later commit than the one before it; <see cref="AsOf"/> drops what is
    /// newer than the state, and the append fails anyway if the stream moved on.)
    /// </summary>
    public static Task<IReadOnlyList<IEvent>> IncidentEvents(this IBatchedQuery batch, Guid baseId, IReadOnlyCollection<Guid> incidentIds)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Query<IEvent>().Where(About(baseId, incidentIds)).ToList();
    }

    /// <summary>The events of <paramref name="baseId"/>'s stream about one of <paramref name="incidentIds"/>, as a filter the index answers.</summary>
    public static Expression<Func<IEvent, bool>> About(Guid baseId, IReadOnlyCollection<Guid> incidentIds)
    {
        ArgumentNullException.ThrowIfNull(incidentIds);
        // The payload's incident id as text, the expression the index holds: Guids are stored in this one form.
        object[] ids = [incidentIds.Distinct().Select(id => id.ToString("D")).ToArray()];
        return e => e.StreamId == baseId && e.EventTypeName.IsOneOf(AboutAnIncident) && e.MatchesSql(IncidentIndex.Matches, ids);
    }

    /// <summary>The records the events say as of <paramref name="version"/> of the stream (events after it are left out).</summary>
    public static IReadOnlyDictionary<Guid, IncidentRecord> AsOf(IReadOnlyList<IEvent>? events, long version) =>
        IncidentRecord.Fold((events ?? []).Where(e => e.Version <= version).OrderBy(e => e.Version).Select(e => e.Data));

    /// <summary>
    /// <see cref="StreamDecisions.DecideAsync{T}(IDocumentSession, Guid, IMessageContext, IClock, Func{T, Instant, Decision}, CancellationToken)"/>
    /// for a command on a base that names incidents: the records of <paramref name="incidentIds"/> are read with the
    /// base's state, in one round trip, and given to <paramref name="decide"/> (an incident the base's history does not
    /// have has no entry), with the other bases that hold any of those ids now (<see cref="HeldElsewhere"/>).
    /// </summary>
    public static Task<CommandOutcome> DecideOnIncidentsAsync(
        this IDocumentSession session, Guid baseId, IReadOnlyCollection<Guid> incidentIds, IMessageContext context, IClock clock,
        Func<Base?, IReadOnlyDictionary<Guid, IncidentRecord>, IReadOnlyDictionary<Guid, Guid>, Instant, Decision> decide, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return session.DecideAsync<Base, (IReadOnlyList<IEvent> Events, IReadOnlyList<IncidentLogEntry> Rows)>(
            baseId, context, clock, batch => BothAsync(batch.IncidentEvents(baseId, incidentIds), batch.LoadMany<IncidentLogEntry>().ById([.. incidentIds.Distinct()])),
            (state, read, version, now) => decide(state, AsOf(read.Events, version), HeldElsewhere(baseId, read.Rows ?? []), now),
            cancellation);
    }

    /// <summary>
    /// Which of these incident-log rows another base than <paramref name="baseId"/> holds: incident id to that base. The
    /// log has one row per incident id (its key), so an id recorded at one base and then at another would leave the
    /// second base's incident out of the log and out of its threat: the decider refuses it instead. (A retracted
    /// incident's row is gone, so its id is free again.) Two bases recording one new id at once both find it free; the
    /// second commit's insert of the row fails as a lost race, and its retry finds the first base's row.
    /// </summary>
    public static IReadOnlyDictionary<Guid, Guid> HeldElsewhere(Guid baseId, IEnumerable<IncidentLogEntry> rows) =>
        rows.Where(r => r.SiteId != baseId).ToDictionary(r => r.Id, r => r.SiteId);

    private static async Task<(IReadOnlyList<IEvent>, IReadOnlyList<IncidentLogEntry>)> BothAsync(
        Task<IReadOnlyList<IEvent>> events, Task<IReadOnlyList<IncidentLogEntry>> rows) =>
        (await events.ConfigureAwait(false), await rows.ConfigureAwait(false));

    /// <summary>The same read by itself: the records of <paramref name="incidentIds"/> at <paramref name="baseId"/> as of <paramref name="version"/>.</summary>
    public static async Task<IReadOnlyDictionary<Guid, IncidentRecord>> ReadAsync(
        this IQuerySession session, Guid baseId, IReadOnlyCollection<Guid> incidentIds, long version, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var batch = session.CreateBatchQuery();
        var events = batch.IncidentEvents(baseId, incidentIds);
        await batch.Execute(cancellation).ConfigureAwait(false);
        return AsOf(await events.ConfigureAwait(false), version);
    }
}
