using Marten;
using NodaTime;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Bus;
using Wolverine;

namespace Posture.Infrastructure.Sites;

/// <summary>
/// Evaluate the threat level of these sites (and their neighbours) now, and record every change of band. An empty
/// list means every site. Sent after an incident is recorded, corrected or retracted or a floor is set, and by the
/// scheduled sweep that catches levels decaying with time.
/// </summary>
public sealed record ReassessThreat(IReadOnlyList<Guid> SiteIds, string Cause)
{
    public static ReassessThreat Everywhere(string cause) => new([], cause);
}

/// <summary>Records <see cref="ThreatLevelChanged"/> where a level crossed a band, and cascades the policy's alerts.</summary>
public static class ThreatReassessmentHandler
{
    public const string Caller = "posture:threat-reassessment";

    public static async Task<OutgoingMessages> Handle(
        ReassessThreat message, IDocumentSession session, SiteReader reader, IClock clock, IMessageContext context, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(context);
        session.LastModifiedBy = Caller;
        if (context.Envelope is { } envelope)
        {
            session.CausationId = envelope.Id.ToString();
            session.CorrelationId = envelope.CorrelationId ?? envelope.Id.ToString();
        }

        var now = clock.GetCurrentInstant();
        var outgoing = new OutgoingMessages();
        var places = await SiteReader.PlacesAsync(session, cancellation).ConfigureAwait(false);
        var neighbourhoods = new SiteNeighbourhoods(places, reader.Options.NearbyRadiusKm);
        var affected = message.SiteIds.Count == 0 ? places.Select(p => p.Id).ToList() : reader.Near(places, message.SiteIds).ToList();

        // Most reassessments find every band unchanged. The running sums of the affected sites and their neighbours, and
        // the level last recorded for each, read together, say so without reading a single incident; a site whose band
        // may have changed, or whose estimate is too near a threshold to be sure, is scored exactly from its incidents
        // as before, so what is recorded is exactly what scoring every incident records (docs/adr/0018).
        var batch = session.CreateBatchQuery();
        var sumsRead = batch.LoadMany<SiteThreatSum>().ById(affected.Concat(affected.SelectMany(neighbourhoods.Of)).Distinct().ToArray());
        var recordsRead = batch.LoadMany<ThreatRecord>().ById(affected.Select(ThreatRecord.StreamOf).ToArray());
        await batch.Execute(cancellation).ConfigureAwait(false);
        var sums = (await sumsRead.ConfigureAwait(false)).ToDictionary(s => s.Id);
        var recorded = (await recordsRead.ConfigureAwait(false)).ToDictionary(r => r.SiteId, r => r.Level);

        // A sweep that must score exactly reads everything once; a reassessment after a command reads each such site's
        // own neighbourhood only.
        SiteSnapshot? everything = null;
        foreach (var siteId in affected)
        {
            var estimate = ThreatSumReader.Estimate(siteId, neighbourhoods, sums, now, reader.Options);
            if (estimate?.Level(reader.Options.Thresholds) is { } known && known == recorded.GetValueOrDefault(siteId, ThreatLevel.Low))
            {
                continue;
            }

            var snapshot = message.SiteIds.Count == 0
                ? everything ??= await reader.AllAsync(session, cancellation).ConfigureAwait(false)
                : await reader.AroundAsync(session, siteId, places, cancellation).ConfigureAwait(false);
            if (snapshot?.Site(siteId) is not { } site)
            {
                continue;
            }

            var threat = snapshot.Threat(site.Id, now);
            var stream = await session.Events.FetchForWriting<ThreatRecord>(ThreatRecord.StreamOf(site.Id), cancellation).ConfigureAwait(false);
            var decision = ThreatRecord.Decide(new RecordThreatLevel(site.Id, threat.Level, threat.Score, now, message.Cause), stream.Aggregate, now);
            if (!decision.IsAccepted)
            {
                continue;
            }

            stream.AppendMany(decision.Events);
            foreach (var change in decision.Events.OfType<ThreatLevelChanged>())
            {
                outgoing.AddRange(ThreatPolicy.After(change, site.Name, snapshot.Headcount(site, now)));
            }
        }

        return outgoing;
    }
}

/// <summary>Keeps every alert the threat policy raises, once each, for <c>GET /api/alerts</c>.</summary>
public static class AlertHandler
{
    public static void Handle(ThreatLevelRaised raised, IDocumentSession session)
    {
        ArgumentNullException.ThrowIfNull(raised);
        ArgumentNullException.ThrowIfNull(session);
        session.Store(Alert.Of(IdempotentIds.For("alerts", $"{raised.SiteId}/{raised.At}/{raised.To}", "raised"), raised));
    }

    public static void Handle(EvacuationRecommended recommended, IDocumentSession session)
    {
        ArgumentNullException.ThrowIfNull(recommended);
        ArgumentNullException.ThrowIfNull(session);
        session.Store(Alert.Of(IdempotentIds.For("alerts", $"{recommended.SiteId}/{recommended.At}/{recommended.Level}", "evacuation"), recommended));
    }
}
