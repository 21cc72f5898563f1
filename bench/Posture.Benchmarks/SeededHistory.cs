using System.Diagnostics;
using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Infrastructure.Audit;

namespace Posture.Benchmarks;

/// <summary>
/// A history written straight through Marten (inline projections and snapshots kept, as commands keep them), for the
/// rebuild and read measurements: <c>sites</c> bases 1° apart (so no site has a neighbour within the 50 km nearby
/// radius), three of them with streams of exactly 10, 100 and 1,000 events, a fourth with a stream of
/// <see cref="AsOfWorstCase"/> events (the asOf read's worst case), and the rest of the events spread over the other
/// sites in runs of 100 incidents, 1,000 events to a transaction.
/// </summary>
internal sealed record SeededHistory(IReadOnlyList<Guid> Sites, IReadOnlyDictionary<int, Guid> SiteWithStreamOf, int Events, double EventsPerSecond)
{
    public static readonly int[] StreamLengths = [10, 100, 1_000];

    /// <summary>
    /// A stream just below a history snapshot boundary past 1,000 events: an asOf read on it restores the newest snapshot
    /// and folds <see cref="BaseHistorySnapshot.Every"/> − 1 events after it, the most it ever folds (docs/adr/0021).
    /// </summary>
    public static int AsOfWorstCase => 1_000 + BaseHistorySnapshot.Every - 1;

    /// <summary>How many events past its newest history snapshot a stream of <paramref name="length"/> events is.</summary>
    public static int PastNewestSnapshot(int length) => length % BaseHistorySnapshot.Every;

    private static int[] Seeded => [.. StreamLengths, AsOfWorstCase];

    private static readonly Instant Origin = Instant.FromUtc(2015, 1, 1, 0, 0);

    private const int Batch = 1_000;
    private const int RunPerSite = 100;

    public static async Task<SeededHistory> SeedAsync(IDocumentStore store, int siteCount, int events)
    {
        ArgumentNullException.ThrowIfNull(store);
        var sites = Enumerable.Range(0, siteCount).Select(_ => Guid.NewGuid()).ToList();
        var stopwatch = Stopwatch.StartNew();
        var written = 0;
        var minute = 0;
        foreach (var chunk in sites.Select((id, number) => (id, number)).Chunk(Batch))
        {
            await using var session = Session(store);
            foreach (var (id, number) in chunk)
            {
                session.Events.StartStream<Base>(id, new BaseRegistered(
                    id, $"Site {number:D4}", "Iraq", $"Region {number % 18}", 30.0 + (number / 40), 40.0 + (number % 40), Origin));
            }

            await session.SaveChangesAsync();
            written += chunk.Length;
        }

        // The streams of known length: a registration and then incidents.
        var withStreamOf = new Dictionary<int, Guid>();
        for (var i = 0; i < Seeded.Length && i < sites.Count; i++)
        {
            withStreamOf[Seeded[i]] = sites[i];
            foreach (var run in Enumerable.Range(0, Seeded[i] - 1).Chunk(Batch))
            {
                await using var session = Session(store);
                session.Events.Append(sites[i], run.Select(_ => Incident(sites[i], ++minute)).ToArray());
                await session.SaveChangesAsync();
                written += run.Length;
            }
        }

        // The rest, 100 incidents to a site and ten sites to a transaction, going round the other sites.
        var others = sites.Skip(Seeded.Length).ToList();
        var next = 0;
        while (written < events && others.Count > 0)
        {
            await using var session = Session(store);
            var inBatch = 0;
            while (inBatch < Batch && written + inBatch < events)
            {
                var site = others[next++ % others.Count];
                var count = Math.Min(RunPerSite, Math.Min(Batch - inBatch, events - written - inBatch));
                session.Events.Append(site, Enumerable.Range(0, count).Select(_ => Incident(site, ++minute)).ToArray());
                inBatch += count;
            }

            await session.SaveChangesAsync();
            written += inBatch;
        }

        stopwatch.Stop();
        return new SeededHistory(sites, withStreamOf, written, written / stopwatch.Elapsed.TotalSeconds);
    }

    private static IDocumentSession Session(IDocumentStore store)
    {
        var session = store.LightweightSession();
        session.LastModifiedBy = "bench";
        return session;
    }

    private static RocketAttackOccurred Incident(Guid site, int minute) => new(site, Guid.NewGuid(), new IncidentReport(
        Origin + Duration.FromMinutes(minute), TimePrecision.Hour, 3, Impact.Perimeter, 0, 1, Affiliation.Contractor,
        Attribution.Unknown, null, "bench", Confidence.Confirmed, "Seeded by the benchmark."));
}
