using System.Collections.Immutable;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Sites;
using Posture.Domain.Threats;
using Posture.Infrastructure.Sites;

namespace Posture.IntegrationTests.Sites;

/// <summary>
/// A snapshot assesses a site from its neighbours only (found by latitude band, so a list of a thousand sites does not
/// cost a million distances); the answer must be exactly what the scorer gives from every site.
/// </summary>
public sealed class when_scoring_a_site_among_many
{
    private static readonly Instant At = Instant.FromUtc(2021, 3, 1, 0, 0);

    [Theory]
    [InlineData(50.0)]
    [InlineData(5.0)]
    [InlineData(400.0)]
    public void each_site_scores_as_it_would_against_every_site(double radiusKm)
    {
        var random = new Random(20261126);
        var options = ThreatOptions.Default with { NearbyRadiusKm = radiusKm };
        // 300 sites crowded into Iraq and its neighbours, some within a few kilometres of one another, with incidents.
        var sites = Enumerable.Range(0, 300).Select(_ => Site(random)).ToImmutableDictionary(s => s.SiteId);
        var snapshot = new SiteSnapshot([], [], new Dictionary<Guid, string>(), new ThreatInputs(sites), options);

        var counted = 0;
        foreach (var site in sites.Keys)
        {
            var fromNeighbours = snapshot.Threat(site, At);
            var fromEverySite = ThreatScorer.Assess(site, snapshot.Inputs, At, options);

            fromNeighbours.Score.ShouldBe(fromEverySite.Score);
            fromNeighbours.Level.ShouldBe(fromEverySite.Level);
            fromNeighbours.Contributions.ShouldBe(fromEverySite.Contributions);
            counted += fromEverySite.Contributions.Count(c => c.SiteId != site);
        }

        if (radiusKm >= 50)
        {
            counted.ShouldBeGreaterThan(0, "some sites' incidents counted at a neighbour");
        }
    }

    [Theory]
    [InlineData(50.0)]
    [InlineData(5.0)]
    [InlineData(400.0)]
    [InlineData(0.0)]
    public void a_reads_neighbours_are_exactly_the_sites_within_the_radius(double radiusKm)
    {
        var random = new Random(20261126);
        var reader = new SiteReader(ThreatOptions.Default with { NearbyRadiusKm = radiusKm });
        var places = Enumerable.Range(0, 400)
            .Select(_ => new SitePlace(Guid.NewGuid(), 29 + (random.NextDouble() * 9), 38 + (random.NextDouble() * 10)))
            .ToList();
        // Due north of the first sites, just within and just beyond the radius: the edge the latitude check must not cut.
        var degrees = radiusKm / (GeoDistance.EarthRadiusKm * Math.PI / 180);
        places.AddRange(places.Take(20).SelectMany(p => new[]
        {
            new SitePlace(Guid.NewGuid(), p.Latitude + (degrees * 0.9999), p.Longitude),
            new SitePlace(Guid.NewGuid(), p.Latitude + (degrees * 1.0001), p.Longitude),
        }).ToList());

        foreach (var pair in places.Take(40).Chunk(2))
        {
            var expected = places
                .Where(p => pair.Any(n => n.Id == p.Id || GeoDistance.Kilometres(n.Latitude, n.Longitude, p.Latitude, p.Longitude) <= radiusKm))
                .Select(p => p.Id);
            reader.Near(places, pair.Select(p => p.Id)).ShouldBe(expected);
        }

        if (radiusKm > 0)
        {
            reader.Near(places, [places[0].Id]).Count().ShouldBeGreaterThan(1, "the site just within the radius is a neighbour");
        }
    }

    [Fact]
    public void a_copy_with_another_radius_scores_with_that_radius()
    {
        var random = new Random(7);
        var sites = Enumerable.Range(0, 100).Select(_ => Site(random)).ToImmutableDictionary(s => s.SiteId);
        var near = new SiteSnapshot([], [], new Dictionary<Guid, string>(), new ThreatInputs(sites), ThreatOptions.Default with { NearbyRadiusKm = 5 });
        var site = sites.Keys.First();
        near.Threat(site, At).ShouldNotBeNull();

        var far = near with { Options = ThreatOptions.Default with { NearbyRadiusKm = 2_000 } };

        far.Threat(site, At).Contributions.ShouldBe(ThreatScorer.Assess(site, far.Inputs, At, far.Options).Contributions);
        far.Threat(site, At).Contributions.Count.ShouldBeGreaterThan(near.Threat(site, At).Contributions.Count);
    }

    private static SiteThreatHistory Site(Random random)
    {
        var id = Guid.NewGuid();
        var incidents = Enumerable.Range(0, random.Next(0, 4)).Select(i => new ThreatIncident(
            id, Guid.NewGuid(), IncidentKind.Rocket,
            new IncidentReport(
                At - Duration.FromDays(random.Next(0, 200)), TimePrecision.Hour, random.Next(1, 6), Impact.Perimeter, 0, random.Next(0, 3),
                Affiliation.Contractor, Attribution.Unknown, null, "test", Confidence.Confirmed, null),
            Retracted: false));
        return new SiteThreatHistory(
            id,
            new SiteLocation(29 + (random.NextDouble() * 8), 39 + (random.NextDouble() * 10)),
            incidents.ToImmutableDictionary(i => i.IncidentId),
            ImmutableList<AnalystFloor>.Empty);
    }
}
