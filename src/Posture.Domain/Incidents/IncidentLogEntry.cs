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

    /// <summary>
    /// The <paramref name="count"/> latest of <paramref name="incidents"/> that had happened by <paramref name="at"/>,
    /// latest first; incidents that happened at the same instant keep the order they were given in, as a stable sort by
    /// time would leave them. One pass with a list of <paramref name="count"/>, not a sort of a busy site's every incident.
    /// </summary>
    public static IReadOnlyList<IncidentLogEntry> LatestBy(IEnumerable<IncidentLogEntry> incidents, Instant at, int count)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        var latest = new List<IncidentLogEntry>(Math.Max(count, 0) + 1);
        foreach (var incident in incidents)
        {
            if (incident.OccurredAt > at)
            {
                continue;
            }

            // After every kept incident that happened at the same instant or later.
            var index = latest.Count;
            while (index > 0 && latest[index - 1].OccurredAt < incident.OccurredAt)
            {
                index--;
            }

            if (index >= count)
            {
                continue;
            }

            latest.Insert(index, incident);
            if (latest.Count > count)
            {
                latest.RemoveAt(count);
            }
        }

        return latest;
    }
}
