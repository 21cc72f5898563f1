using JasperFx.Events;
using Marten;
using Marten.Linq.MatchesSql;
using Posture.Domain.Bases;
using Posture.Infrastructure.Marten;

namespace Posture.Infrastructure.Bases;

/// <summary>
/// An incident's report as its base's events say it: the report of the incident's last occurrence or correction.
/// The Base decision state keeps no reports (it would grow with every incident, and every command on the base loads
/// and saves it); a correction's handler reads the one report it needs here and gives it to the pure decider.
/// </summary>
public static class IncidentReports
{
    /// <summary>The stored names of the events that say what an incident's report is.</summary>
    private static readonly string[] Reporting = EventCatalogue.StoredNames
        .Where(n => typeof(IIncidentOccurred).IsAssignableFrom(n.Key) || n.Key == typeof(IncidentCorrected))
        .Select(n => n.Value).ToArray();

    /// <summary>The stored names of the events that first record an incident.</summary>
    private static readonly string[] Occurring = EventCatalogue.StoredNames
        .Where(n => typeof(IIncidentOccurred).IsAssignableFrom(n.Key))
        .Select(n => n.Value).ToArray();

    /// <summary>
    /// The reports <paramref name="incidentIds"/> were first recorded with in <paramref name="baseId"/>'s stream as of
    /// <paramref name="version"/> (their occurrence events, not later corrections): what a repeat of the same record
    /// is compared with. One query, by the (stream, version) index; none when no id is given.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, IncidentReport>> RecordedAsync(
        this IQuerySession session, Guid baseId, IReadOnlyCollection<Guid> incidentIds, long version, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(incidentIds);
        if (incidentIds.Count == 0)
        {
            return new Dictionary<Guid, IncidentReport>();
        }

        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId == baseId && e.Version <= version && e.EventTypeName.IsOneOf(Occurring)
                && e.MatchesSql("(data ->> 'incidentId')::uuid = any(?)", incidentIds.ToArray()))
            .ToListAsync(cancellation)
            .ConfigureAwait(false);
        return events.Select(e => e.Data).OfType<IIncidentOccurred>()
            .GroupBy(e => e.IncidentId)
            .ToDictionary(g => g.Key, g => g.First().Report);
    }

    /// <summary>
    /// The report of <paramref name="incidentId"/> in <paramref name="baseId"/>'s stream as of <paramref name="version"/>
    /// (the version the decision state was read at, so both say the same moment); null when no event there reports it.
    /// Reads the stream's own events by the (stream, version) index, not a read model: it is exact even while the read
    /// models are rebuilt, and an incident id used at two bases is read from the base asked about. An old shape of an
    /// event is read as today's (its upcaster).
    /// </summary>
    public static async Task<IncidentReport?> CurrentAsync(
        this IQuerySession session, Guid baseId, Guid incidentId, long version, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        var latest = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId == baseId && e.Version <= version && e.EventTypeName.IsOneOf(Reporting)
                && e.MatchesSql("(data ->> 'incidentId')::uuid = ?", incidentId))
            .OrderByDescending(e => e.Version)
            .FirstOrDefaultAsync(cancellation)
            .ConfigureAwait(false);
        return latest?.Data switch
        {
            IncidentCorrected corrected => corrected.Corrected,
            IIncidentOccurred occurred => occurred.Report,
            _ => null,
        };
    }

    /// <summary>
    /// What <see cref="BaseDecider.Decide(CorrectIncident, Base?, IncidentReport?, Instant)"/> is given as the current
    /// report: read only when the state knows the incident and it stands (otherwise the decision refuses without it).
    /// </summary>
    public static Task<IncidentReport?> ReportToCorrectAsync(
        this IQuerySession session, CorrectIncident command, Base? state, long version, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(command);
        return state is not null && state.Incidents.TryGetValue(command.IncidentId, out var known) && !known.Retracted
            ? session.CurrentAsync(command.BaseId, command.IncidentId, version, cancellation)
            : Task.FromResult<IncidentReport?>(null);
    }
}
