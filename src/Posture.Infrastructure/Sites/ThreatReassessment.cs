using Marten;
using NodaTime;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Bus;
using Wolverine;
using Wolverine.Runtime.Batching;

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

/// <summary>
/// A site's threat may have moved: an incident at it was recorded, corrected or retracted, or an analyst set a floor.
/// Its level and its neighbours' are evaluated again shortly after, as a <see cref="ReassessThreat"/> of that site would,
/// but the changes that arrive together are batched (<see cref="ThreatReassessmentHandler.Batching"/>), so commands at
/// once are reassessed in one transaction rather than one each (docs/adr/0031).
/// </summary>
public sealed record ThreatInputsChanged(Guid SiteId, string Cause);

/// <summary>Records <see cref="ThreatLevelChanged"/> where a level crossed a band, and cascades the policy's alerts.</summary>
public static class ThreatReassessmentHandler
{
    public const string Caller = "posture:threat-reassessment";

    /// <summary>
    /// How <see cref="ThreatInputsChanged"/> messages are gathered: a batch goes as soon as it holds 100, or a quarter of
    /// a second after the last batch went with whatever has arrived. A quarter of a second is what a level change may
    /// wait; under load it is what lets one transaction reassess the changes of many commands.
    /// </summary>
    public static void Batching(BatchingOptions batching)
    {
        ArgumentNullException.ThrowIfNull(batching);
        batching.BatchSize = 100;
        batching.TriggerTime = TimeSpan.FromMilliseconds(250);
        batching.Batcher = new ThreatInputsBatcher();
    }

    public static Task<OutgoingMessages> Handle(
        ReassessThreat message, IDocumentSession session, SiteReader reader, IClock clock, IMessageContext context, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ReassessAsync([message], session, reader, clock, context, cancellation);
    }

    /// <summary>
    /// The changes of a batch, reassessed together: every site any of them reaches is evaluated once, and a change of
    /// band is recorded with the causes of the changes that reached that site.
    /// </summary>
    public static Task<OutgoingMessages> Handle(
        ThreatInputsChanged[] changes, IDocumentSession session, SiteReader reader, IClock clock, IMessageContext context, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return ReassessAsync([.. changes.Select(c => new ReassessThreat([c.SiteId], c.Cause))], session, reader, clock, context, cancellation);
    }

    private static async Task<OutgoingMessages> ReassessAsync(
        IReadOnlyList<ReassessThreat> requests, IDocumentSession session, SiteReader reader, IClock clock, IMessageContext context, CancellationToken cancellation)
    {
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
        var everywhere = requests.Any(r => r.SiteIds.Count == 0);
        var causes = CausesBySite(requests, places, reader);
        var affected = places.Select(p => p.Id).Where(causes.ContainsKey).ToList();

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

            var snapshot = everywhere
                ? everything ??= await reader.AllAsync(session, cancellation).ConfigureAwait(false)
                : await reader.AroundAsync(session, siteId, places, cancellation).ConfigureAwait(false);
            if (snapshot?.Site(siteId) is not { } site)
            {
                continue;
            }

            var threat = snapshot.Threat(site.Id, now);
            var stream = await session.Events.FetchForWriting<ThreatRecord>(ThreatRecord.StreamOf(site.Id), cancellation).ConfigureAwait(false);
            var cause = string.Join("; ", causes[siteId]);
            var decision = ThreatRecord.Decide(new RecordThreatLevel(site.Id, threat.Level, threat.Score, now, cause), stream.Aggregate, now);
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

    /// <summary>
    /// Every site the requests reach (the sites they name and those sites' neighbours, or every site for a request naming
    /// none), each with the distinct causes of the requests that reach it, in the requests' order.
    /// </summary>
    private static Dictionary<Guid, List<string>> CausesBySite(IReadOnlyList<ReassessThreat> requests, IReadOnlyList<SitePlace> places, SiteReader reader)
    {
        var causes = new Dictionary<Guid, List<string>>();
        // A batch's requests mostly name the same few sites: the neighbours of each set of sites are looked up once.
        var reaches = new Dictionary<string, List<Guid>>();
        foreach (var request in requests)
        {
            var key = string.Join(',', request.SiteIds.Order());
            if (!reaches.TryGetValue(key, out var reached))
            {
                reaches[key] = reached = request.SiteIds.Count == 0 ? [.. places.Select(p => p.Id)] : [.. reader.Near(places, request.SiteIds)];
            }

            foreach (var siteId in reached)
            {
                if (!causes.TryGetValue(siteId, out var list))
                {
                    causes[siteId] = list = [];
                }

                if (!list.Contains(request.Cause))
                {
                    list.Add(request.Cause);
                }
            }
        }

        return causes;
    }
}

/// <summary>
/// Gathers <see cref="ThreatInputsChanged"/> messages into one <c>ThreatInputsChanged[]</c>, as Wolverine's own batcher
/// does (Posture has no tenants to group by), and keeps the members' correlation id on the batch when they share one,
/// so a reassessment caused by one command is still correlated with it in the audit trail.
/// </summary>
internal sealed class ThreatInputsBatcher : IMessageBatcher
{
    public Type BatchMessageType => typeof(ThreatInputsChanged[]);

    public IEnumerable<Envelope> Group(IReadOnlyList<Envelope> envelopes)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        if (envelopes.Count == 0)
        {
            yield break;
        }

        var correlations = envelopes.Select(e => e.CorrelationId).Distinct().Take(2).ToList();
        yield return new Envelope(envelopes.Select(e => e.Message).OfType<ThreatInputsChanged>().ToArray(), envelopes)
        {
            CorrelationId = correlations.Count == 1 ? correlations[0] : null,
        };
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
