namespace Posture.Domain.Bases;

/// <summary>
/// What a base's history says of one incident: its kind, the report it was first recorded with, its report now
/// (corrections applied) and whether it was retracted. It is all a decision about that incident needs, and the base's
/// state does not keep it: the handler of a command naming an incident reads that incident's events from the base's
/// stream, folds them here, and gives the record to the pure decider (null when the base's history has no such
/// incident). So a command costs the same on a base with ten incidents or a hundred thousand.
/// </summary>
public sealed record IncidentRecord(Guid IncidentId, IncidentKind Kind, IncidentReport Recorded, IncidentReport Current, bool Retracted)
{
    /// <summary>Folds one event about the incident into its record; events about other things leave it unchanged.</summary>
    public static IncidentRecord? Evolve(IncidentRecord? record, object @event) => (record, @event) switch
    {
        (null, IIncidentOccurred e) => new IncidentRecord(e.IncidentId, e.Kind, e.Report, e.Report, false),
        (not null, IncidentCorrected e) when e.IncidentId == record.IncidentId => record with { Current = e.Corrected },
        (not null, IncidentRetracted e) when e.IncidentId == record.IncidentId => record with { Retracted = true },
        _ => record,
    };

    /// <summary>The record of every incident <paramref name="events"/> (a base's events, in stream order) name.</summary>
    public static IReadOnlyDictionary<Guid, IncidentRecord> Fold(IEnumerable<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var records = new Dictionary<Guid, IncidentRecord>();
        foreach (var @event in events)
        {
            if (IncidentOf(@event) is { } incidentId && Evolve(records.GetValueOrDefault(incidentId), @event) is { } record)
            {
                records[incidentId] = record;
            }
        }

        return records;
    }

    /// <summary>The incident an event of the Base stream is about; null for an event about the base itself.</summary>
    public static Guid? IncidentOf(object @event) => @event switch
    {
        IIncidentOccurred e => e.IncidentId,
        IncidentCorrected e => e.IncidentId,
        IncidentRetracted e => e.IncidentId,
        _ => null,
    };
}
