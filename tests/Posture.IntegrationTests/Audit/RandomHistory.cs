using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Contractors;
using Posture.Domain.Missions;

namespace Posture.IntegrationTests.Audit;

/// <summary>
/// A reproducible random history the deciders would accept: sites registered, contractors engaged, then incidents of
/// every kind, corrections and retractions of incidents still believed, deployments, and evacuations of no more people
/// than are at a site; with <c>missions</c>, missions launched, expanded and reduced, and their personnel assigned to
/// and withdrawn from sites. Each event is paired with the stream it belongs to.
/// </summary>
public static class RandomHistory
{
    public const int Contractors = 5;

    private static readonly Instant Start = Instant.FromUtc(2020, 1, 1, 0, 0);

    public static IReadOnlyList<(Guid Stream, object Event)> Generate(int seed, int sites, int events, int missions = 0)
    {
        var random = new Random(seed);
        var history = new List<(Guid, object)>(events);
        var bases = Enumerable.Range(0, sites).Select(_ => NewGuid(random)).ToArray();
        var contractors = Enumerable.Range(0, Contractors).Select(_ => NewGuid(random)).ToArray();
        var believed = new List<(Guid Base, Guid Incident)>();
        var present = new Dictionary<(Guid Organisation, Guid Base), int>();
        var strengths = new Dictionary<Guid, int>();
        Instant At(int i) => Start + Duration.FromMinutes(i * 7);

        for (var i = 0; i < bases.Length; i++)
        {
            history.Add((bases[i], new BaseRegistered(bases[i], $"Site {i}", "Iraq", $"Region {i % 7}", 30 + random.NextDouble() * 7, 40 + random.NextDouble() * 7, At(i))));
        }

        for (var i = 0; i < contractors.Length; i++)
        {
            history.Add((contractors[i], new ContractorEngaged(contractors[i], $"Company {i}", $"Programme {i}", At(i))));
        }

        for (var i = 0; i < missions; i++)
        {
            var mission = NewGuid(random);
            strengths[mission] = random.Next(50, 500);
            history.Add((mission, new MissionLaunched(mission, $"Mission {i}", strengths[mission], [bases[random.Next(bases.Length)]], At(history.Count))));
        }

        var launched = strengths.Keys.ToArray();
        while (history.Count < events)
        {
            var at = At(history.Count);
            var roll = random.Next(100);
            var site = bases[random.Next(bases.Length)];
            if (roll < 50 || believed.Count == 0)
            {
                var incident = NewGuid(random);
                believed.Add((site, incident));
                history.Add((site, Incident(random, site, incident, at)));
            }
            else if (roll < 65)
            {
                var (atBase, incident) = believed[random.Next(believed.Count)];
                history.Add((atBase, new IncidentCorrected(atBase, incident, Report(random, at - Duration.FromHours(random.Next(48))), "corrected by a later report")));
            }
            else if (roll < 75)
            {
                var index = random.Next(believed.Count);
                var (atBase, incident) = believed[index];
                believed.RemoveAt(index);
                history.Add((atBase, new IncidentRetracted(atBase, incident, "a duplicate report")));
            }
            else if (launched.Length > 0 && random.Next(3) == 0)
            {
                history.Add(MissionEvent(random, launched[random.Next(launched.Length)], site, at, present, strengths));
            }
            else
            {
                var contractor = contractors[random.Next(contractors.Length)];
                var here = present.GetValueOrDefault((contractor, site));
                if (roll < 90 || here == 0)
                {
                    var count = random.Next(1, 40);
                    present[(contractor, site)] = here + count;
                    history.Add((contractor, new ContractorsDeployed(contractor, site, count, at)));
                }
                else
                {
                    var count = random.Next(1, here + 1);
                    present[(contractor, site)] = here - count;
                    history.Add((contractor, new ContractorsEvacuated(contractor, site, count, "Baghdad", "threat", at)));
                }
            }
        }

        return history;
    }

    private static (Guid, object) MissionEvent(
        Random random, Guid mission, Guid site, Instant at, Dictionary<(Guid Organisation, Guid Base), int> present, Dictionary<Guid, int> strengths)
    {
        var here = present.GetValueOrDefault((mission, site));
        var strength = strengths[mission];
        switch (random.Next(4))
        {
            case 0:
                strengths[mission] = strength + random.Next(1, 100);
                return (mission, new MissionExpanded(mission, strength, strengths[mission], at));
            case 1 when strength > 10:
                strengths[mission] = strength - random.Next(1, strength / 2);
                return (mission, new MissionReduced(mission, strength, strengths[mission], at));
            case 2 when here > 0:
                var leaving = random.Next(1, here + 1);
                present[(mission, site)] = here - leaving;
                return (mission, new MissionPersonnelWithdrawn(mission, site, leaving, at));
            default:
                var count = random.Next(1, 30);
                present[(mission, site)] = here + count;
                return (mission, new MissionPersonnelAssigned(mission, site, count, at));
        }
    }

    private static object Incident(Random random, Guid site, Guid incident, Instant at)
    {
        var report = Report(random, at);
        return random.Next(5) switch
        {
            0 => new RocketAttackOccurred(site, incident, report),
            1 => new DroneAttackOccurred(site, incident, report),
            2 => new IndirectFireOccurred(site, incident, report),
            3 => new IedDetonated(site, incident, report),
            _ => new SmallArmsFireOccurred(site, incident, report),
        };
    }

    private static IncidentReport Report(Random random, Instant occurredAt)
    {
        var killed = random.Next(3);
        var injured = random.Next(5);
        var attribution = (Attribution)random.Next(3);
        return new IncidentReport(
            occurredAt,
            (TimePrecision)random.Next(3),
            random.Next(1, 20),
            (Impact)random.Next(4),
            killed,
            injured,
            killed + injured > 0 ? (Affiliation)random.Next(4) : null,
            attribution,
            attribution == Attribution.Unknown ? null : "a militia",
            "random history",
            (Confidence)random.Next(3),
            null);
    }

    private static Guid NewGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
