using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>Several sites' Base streams, an instant to assess them at, and one order in which the streams' events arrive.</summary>
public sealed record History(IReadOnlyList<IReadOnlyList<object>> Streams, IReadOnlyList<int> Arrival, Instant At)
{
    public static readonly Guid[] Sites =
    [
        Guid.Parse("0b1ad000-0000-4000-8000-000000000001"), // Balad
        Guid.Parse("00057000-0000-4000-8000-000000000004"), // 20 km north of Balad
        Guid.Parse("e4b11000-0000-4000-8000-000000000002"), // Erbil, 259 km away
    ];

    /// <summary>Every stream's events in stream order, one stream after the other.</summary>
    public IEnumerable<object> InStreamOrder => Streams.SelectMany(s => s);

    /// <summary>The same events, the streams interleaved as <see cref="Arrival"/> says (each stream still in its order).</summary>
    public IEnumerable<object> AsArrived
    {
        get
        {
            var next = new int[Streams.Count];
            return Arrival.Select(stream => Streams[stream][next[stream]++]).ToList();
        }
    }

    public override string ToString() =>
        $"at {At}: {string.Join(" | ", Streams.Select(s => string.Join(", ", s.Select(e => e.GetType().Name))))}; arrival {string.Join("", Arrival)}";
}

/// <summary>Generators for the property tests: reports and histories that the decider could have recorded.</summary>
public static class ThreatArbitraries
{
    /// <summary>A year from 1 January 2021: the span generated incidents and instants fall in.</summary>
    private static readonly Instant Start = Instant.FromUtc(2021, 1, 1, 0, 0);
    private const int YearInMinutes = 365 * 24 * 60;

    private static readonly (double Latitude, double Longitude)[] Places = [(33.9333, 44.3667), (34.1133, 44.3667), (36.2375, 43.9631)];

    /// <summary>The event the decider records for an incident of <paramref name="kind"/>.</summary>
    public static IIncidentOccurred IncidentEvent(IncidentKind kind, Guid site, Guid id, IncidentReport report) => kind switch
    {
        IncidentKind.Rocket => new RocketAttackOccurred(site, id, report),
        IncidentKind.Drone => new DroneAttackOccurred(site, id, report),
        IncidentKind.IndirectFire => new IndirectFireOccurred(site, id, report),
        IncidentKind.Ied => new IedDetonated(site, id, report),
        _ => new SmallArmsFireOccurred(site, id, report),
    };

    private static Gen<Instant> Instants => Gen.Choose(0, YearInMinutes).Select(minutes => Start + Duration.FromMinutes(minutes));

    private static Gen<IncidentReport> ReportGen =>
        from occurredAt in Instants
        from rounds in Gen.Choose(0, 60)
        from impact in Gen.Elements(Enum.GetValues<Impact>())
        from killed in Gen.Choose(0, 20)
        from injured in Gen.Choose(0, 60)
        from confidence in Gen.Elements(Enum.GetValues<Confidence>())
        select new IncidentReport(occurredAt, TimePrecision.Hour, rounds, impact, killed, injured, null, Attribution.Unknown, null, "generated", confidence, null);

    public static Arbitrary<IncidentReport> Reports() => ReportGen.ToArbitrary();

    /// <summary>Ages up to a year, in minutes.</summary>
    public static Arbitrary<Duration> Ages() => Gen.Choose(0, YearInMinutes).Select(minutes => Duration.FromMinutes(minutes)).ToArbitrary();

    public static Arbitrary<History> Histories() => HistoryGen(maxIncidents: 5).ToArbitrary();

    /// <summary>Histories of up to <paramref name="maxIncidents"/> incidents per site.</summary>
    public static Gen<History> HistoryGen(int maxIncidents) =>
        from streams in Gen.CollectToList(Enumerable.Range(0, History.Sites.Length), index => Stream(index, maxIncidents))
        from arrival in Gen.Shuffle(streams.SelectMany((stream, index) => Enumerable.Repeat(index, stream.Count)))
        from at in Instants
        select new History(streams.ToList(), arrival, at);

    /// <summary>A site's stream: registered, then incidents, then corrections and retractions of some of them, and perhaps a floor.</summary>
    private static Gen<IReadOnlyList<object>> Stream(int index, int maxIncidents)
    {
        var site = History.Sites[index];
        var registered = new BaseRegistered(site, $"site {index}", "Iraq", "region", Places[index].Latitude, Places[index].Longitude, Start);
        return
            from count in Gen.Choose(0, maxIncidents)
            from incidents in Gen.CollectToList(Enumerable.Range(0, count), number => Incident(site, index, number))
            from revisions in Gen.CollectToList(incidents, Revision)
            from floor in Floor(site)
            select (IReadOnlyList<object>)[registered, .. incidents.Select(i => i.Event), .. revisions.OfType<object>(), .. new[] { floor }.OfType<object>()];
    }

    /// <summary>An incident whose id says where it is in the history, so a failing case replays exactly.</summary>
    private static Gen<(Guid Id, object Event)> Incident(Guid site, int siteIndex, int number)
    {
        var id = Guid.Parse($"{siteIndex:D8}-{number:D4}-4000-8000-000000000000");
        return from kind in Gen.Elements(Enum.GetValues<IncidentKind>())
               from report in ReportGen
               select (id, (object)IncidentEvent(kind, site, id, report));
    }

    private static Gen<object?> Revision((Guid Id, object Event) incident)
    {
        var site = ((IIncidentOccurred)incident.Event).BaseId;
        return Gen.OneOf(
            Gen.Constant<object?>(null),
            ReportGen.Select(report => (object?)new IncidentCorrected(site, incident.Id, report, "generated")),
            Gen.Constant<object?>(new IncidentRetracted(site, incident.Id, "generated")));
    }

    private static Gen<ThreatAssessed?> Floor(Guid site) =>
        Gen.OneOf(
            Gen.Constant<ThreatAssessed?>(null),
            from level in Gen.Elements(Enum.GetValues<ThreatLevel>())
            from assessedAt in Instants
            from days in Gen.Choose(1, 90)
            select (ThreatAssessed?)new ThreatAssessed(site, level, "generated", assessedAt, assessedAt + Duration.FromDays(days)));
}
