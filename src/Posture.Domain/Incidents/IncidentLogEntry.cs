using NodaTime;
using Posture.Domain.Bases;

namespace Posture.Domain.Incidents;

/// <summary>
/// One row of the incident log: an incident as it is now believed to be (corrections applied). A retracted incident
/// has no row. <see cref="OccurredAtUnixMilliseconds"/> repeats the occurred-at instant as a plain number so the
/// store can filter and sort on it.
/// </summary>
public sealed record IncidentLogEntry(
    Guid Id,
    Guid SiteId,
    IncidentKind Kind,
    IncidentReport Report,
    long OccurredAtUnixMilliseconds,
    int Corrections,
    string? LastCorrectionReason)
{
    /// <summary>Folds one event of the incident into its row; a retraction removes the row (null).</summary>
    public static IncidentLogEntry? Evolve(IncidentLogEntry? entry, object @event) => (entry, @event) switch
    {
        (null, IIncidentOccurred e) => new IncidentLogEntry(
            e.IncidentId, e.BaseId, e.Kind, e.Report, e.Report.OccurredAt.ToUnixTimeMilliseconds(), 0, null),
        (not null, IncidentCorrected e) => entry with
        {
            Report = e.Corrected,
            OccurredAtUnixMilliseconds = e.Corrected.OccurredAt.ToUnixTimeMilliseconds(),
            Corrections = entry.Corrections + 1,
            LastCorrectionReason = e.Reason,
        },
        (not null, IncidentRetracted) => null,
        _ => entry,
    };

    public Instant OccurredAt => Report.OccurredAt;

    /// <summary>
    /// When the latest of <paramref name="incidents"/> (a site's log rows: corrections applied, retractions gone) that
    /// had happened by <paramref name="at"/> happened; null when none had.
    /// </summary>
    public static Instant? LastBy(IEnumerable<IncidentLogEntry> incidents, Instant at)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        Instant? last = null;
        foreach (var incident in incidents)
        {
            if (incident.OccurredAt <= at && (last is null || incident.OccurredAt > last))
            {
                last = incident.OccurredAt;
            }
        }

        return last;
    }
}
