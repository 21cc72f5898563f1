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
        // A sweep reads everything once; a reassessment after a command assesses each affected site from its own
        // neighbourhood only, so a burst of reports (an import) costs a few small reads per report, not a read of
        // every incident everywhere.
        var everything = message.SiteIds.Count == 0 ? await reader.AllAsync(session, cancellation).ConfigureAwait(false) : null;
        var places = await SiteReader.PlacesAsync(session, cancellation).ConfigureAwait(false);
        var affected = message.SiteIds.Count == 0 ? places.Select(p => p.Id).ToList() : reader.Near(places, message.SiteIds).ToList();
        foreach (var siteId in affected)
        {
            var snapshot = everything ?? await reader.AroundAsync(session, siteId, places, cancellation).ConfigureAwait(false);
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
