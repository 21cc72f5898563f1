using JasperFx.Events;
using Marten;
using Marten.Services.BatchQuerying;
using Marten.Linq.MatchesSql;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Threats;
using Posture.Infrastructure.Marten;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// Keeps each site's <see cref="SiteThreatSum"/> in the same transaction as its Base stream's events, folding with the
/// domain's <see cref="SiteThreatSum.Evolve"/>. A correction or retraction does not carry the report it replaces, so
/// each is folded as a <see cref="ThreatTermRevised"/> naming that report: found among the earlier events of the same
/// transaction, else read from the stream's own stored events (one query per transaction that revises, by the
/// stream's index, exact whatever the read models hold), in the same round trip as the sums (<see cref="InlineFolds"/>).
/// A fold of our own rather than a Marten aggregation because Marten's enrichment hook only runs asynchronously; inline
/// is all it runs as.
/// <para>
/// Posture's one-pass rebuild (<see cref="Audit.ProjectionRebuild"/>) folds it as an <see cref="IDomainFoldReading"/>:
/// rows are the Base streams, and the report a correction or retraction replaces is the incident's log row as folded
/// before it (<see cref="IncidentLogEntry"/>: the incident as then believed, its kind and latest report, no row once
/// retracted), the same the domain's <see cref="SiteThreatSums.Revision"/> keeps, so nothing per incident is held.
/// </para>
/// </summary>
public sealed class ThreatSumProjection(ThreatOptions threat) : IInlineFold, IDomainFoldReading
{
    /// <summary>The stored names of the events that say what an incident's report is.</summary>
    private static readonly string[] Reporting = EventCatalogue.StoredNames
        .Where(n => typeof(IIncidentOccurred).IsAssignableFrom(n.Key) || n.Key == typeof(IncidentCorrected))
        .Select(n => n.Value).ToArray();

    /// <summary>The scoring options the sums are built with (their basis).</summary>
    public ThreatOptions Threat { get; } = threat ?? throw new ArgumentNullException(nameof(threat));

    Func<IDocumentOperations, Task>? IInlineFold.Prepare(IBatchedQuery batch, IReadOnlyList<IEvent> events)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(events);
        var bySite = events.Where(e => e.Data is IBaseEvent).GroupBy(e => ((IBaseEvent)e.Data).BaseId).ToList();
        if (bySite.Count == 0)
        {
            return null;
        }

        var storedRead = batch.LoadMany<SiteThreatSum>().ById([.. bySite.Select(s => s.Key)]);
        var before = ReportsBefore(batch, events);
        return async operations =>
        {
            var stored = (await storedRead.ConfigureAwait(false)).ToDictionary(s => s.Id);
            var reports = await before.ConfigureAwait(false);
            foreach (var site in bySite)
            {
                var sum = stored.GetValueOrDefault(site.Key);
                foreach (var e in site)
                {
                    sum = SiteThreatSum.Evolve(sum, SiteThreatSums.Revision(e.Data, reports) ?? e.Data, Threat);
                }

                if (sum is not null)
                {
                    operations.Store(sum);
                }
            }
        };
    }

    Type IDomainFold.DocumentType => typeof(SiteThreatSum);

    bool IDomainFold.KeyedByStream => true;

    Type IDomainFoldReading.ReadsDocumentType => typeof(IncidentLogEntry);

    bool IDomainFold.Takes(Type eventType) => typeof(IBaseEvent).IsAssignableFrom(eventType);

    void IDomainFold.RowsOf(Guid streamId, object data, ICollection<Guid> rows)
    {
        if (data is IBaseEvent e)
        {
            rows.Add(e.BaseId);
        }
    }

    Guid? IDomainFoldReading.ReadsRowOf(object data) => Revises(data)?.Incident;

    object? IDomainFold.Fold(object? document, object data) => Fold(document, data, read: null);

    object? IDomainFoldReading.Fold(object? document, object data, object? read) => Fold(document, data, read);

    private SiteThreatSum? Fold(object? document, object data, object? read)
    {
        if (Revises(data) is null)
        {
            return SiteThreatSum.Evolve((SiteThreatSum?)document, data, Threat);
        }

        var reports = new Dictionary<(Guid Site, Guid Incident), (IncidentKind Kind, IncidentReport Report)>(1);
        if (read is IncidentLogEntry entry)
        {
            reports[(entry.SiteId, entry.Id)] = (entry.Kind, entry.Report);
        }

        return SiteThreatSum.Evolve((SiteThreatSum?)document, SiteThreatSums.Revision(data, reports) ?? data, Threat);
    }

    /// <summary>The site and incident whose report the event replaces (a correction or retraction); null for any other.</summary>
    private static (Guid Site, Guid Incident)? Revises(object data) => data switch
    {
        IncidentCorrected c => (c.BaseId, c.IncidentId),
        IncidentRetracted r => (r.BaseId, r.IncidentId),
        _ => null,
    };

    /// <summary>
    /// What the stored events said, before these, of each incident these correct or retract: its kind and latest report,
    /// read with the batch (nothing is read when none is revised). Inline the store holds only what came before; should
    /// it hold these too, they and what follows are left out.
    /// </summary>
    private static async Task<Dictionary<(Guid Site, Guid Incident), (IncidentKind Kind, IncidentReport Report)>> ReportsBefore(
        IBatchedQuery batch, IReadOnlyList<IEvent> events)
    {
        var reports = new Dictionary<(Guid Site, Guid Incident), (IncidentKind Kind, IncidentReport Report)>();
        var revised = events.Select(e => Revises(e.Data))
            .OfType<(Guid Site, Guid Incident)>()
            .Distinct()
            .ToList();
        if (revised.Count == 0)
        {
            return reports;
        }

        var streams = revised.Select(r => r.Site).Distinct().ToArray();
        // The payload's incident id as text, the expression the incident index holds (IncidentRecords does the same).
        object[] incidents = [revised.Select(r => r.Incident.ToString("D")).Distinct().ToArray()];
        var these = events.Select(e => e.Id).ToHashSet();
        var first = events.Select(e => e.Sequence).Where(s => s > 0).DefaultIfEmpty(long.MaxValue).Min();
        var before = await batch.Query<IEvent>()
            .Where(e => e.StreamId.IsOneOf(streams) && e.EventTypeName.IsOneOf(Reporting)
                && e.MatchesSql(IncidentIndex.Matches, incidents))
            .OrderBy(e => e.Sequence)
            .ToList()
            .ConfigureAwait(false);
        foreach (var e in before.Where(e => e.Sequence < first && !these.Contains(e.Id)))
        {
            SiteThreatSums.Revision(e.Data, reports);
        }

        return reports;
    }
}
