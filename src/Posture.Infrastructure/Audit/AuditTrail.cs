using JasperFx.Events;
using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Contractors;
using Posture.Domain.Missions;
using Posture.Domain.Threats;
using Posture.Infrastructure.Marten;

namespace Posture.Infrastructure.Audit;

/// <summary>
/// One stored event as an auditor reads it: where it stands in the store and its stream, its stored name, when
/// Posture recorded it and when (by its payload) it happened in the world, what it says, and who and which command
/// produced it.
/// </summary>
public sealed record AuditEntry(
    long Sequence,
    long Version,
    string Type,
    Instant RecordedAt,
    Instant? OccurredAt,
    object Data,
    string? User,
    string? CorrelationId,
    string? CausationId);

/// <summary>Which events of a stream to list: recorded from / to (both included), and of one stored type.</summary>
public sealed record AuditFilter(Instant? From, Instant? To, string? Type)
{
    public bool Admits(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (From is null || entry.RecordedAt >= From)
               && (To is null || entry.RecordedAt <= To)
               && (Type is null || string.Equals(entry.Type, Type, StringComparison.Ordinal));
    }
}

/// <summary>Reads the audit trail of one stream, straight from the event store.</summary>
public static class AuditTrail
{
    /// <summary>Every stored event name, for checking a <c>type</c> filter.</summary>
    public static IEnumerable<string> StoredNames => EventCatalogue.StoredNames.Values.Order(StringComparer.Ordinal);

    /// <summary>The stream's events that pass the filter, in stream order; null when the stream does not exist.</summary>
    public static async Task<IReadOnlyList<AuditEntry>?> ReadAsync(IQuerySession session, Guid streamId, AuditFilter filter, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(filter);
        var events = await session.Events.FetchStreamAsync(streamId, token: cancellation).ConfigureAwait(false);
        if (events.Count == 0)
        {
            return null;
        }

        return events.Select(Entry).Where(filter.Admits).ToList();
    }

    public static AuditEntry Entry(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new AuditEntry(e.Sequence, e.Version, e.EventTypeName, Instant.FromDateTimeOffset(e.Timestamp), OccurredAt(e.Data), e.Data,
            e.UserName, e.CorrelationId, e.CausationId);
    }

    /// <summary>When the event says it happened in the world; null for an event that carries no such instant (a retraction).</summary>
    public static Instant? OccurredAt(object data) => data switch
    {
        BaseRegistered e => e.RegisteredAt,
        IIncidentOccurred e => e.Report.OccurredAt,
        IncidentCorrected e => e.Corrected.OccurredAt,
        ThreatAssessed e => e.AssessedAt,
        ForceProtectionConditionSet e => e.SetAt,
        ThreatLevelChanged e => e.At,
        ContractorEngaged e => e.EngagedAt,
        ContractorsDeployed e => e.At,
        ContractorsEvacuated e => e.At,
        ContractorsReturned e => e.At,
        ContractorCasualtiesReported e => e.At,
        MissionLaunched e => e.LaunchedAt,
        MissionExpanded e => e.At,
        MissionReduced e => e.At,
        MissionPersonnelAssigned e => e.At,
        MissionPersonnelWithdrawn e => e.At,
        _ => null,
    };
}
