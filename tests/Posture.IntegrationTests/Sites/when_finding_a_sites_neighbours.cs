using Marten;
using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Incidents;
using Posture.Domain.Threats;
using Posture.Infrastructure.Sites;
using Posture.IntegrationTests.Infrastructure;

namespace Posture.IntegrationTests.Sites;

/// <summary>
/// A site read lets PostgreSQL find the sites that may be near it and lists their incidents in the same statement
/// (docs/adr/0034); the in-process rule then decides which are near. The server's filter must never drop a site the
/// rule keeps, at the edge of the radius, across the antimeridian or near a pole, whatever the radius; and the read
/// must answer exactly what the read from every site's position answers.
/// </summary>
public sealed class when_finding_a_sites_neighbours(PostureHost host) : PostureScenario(host)
{
    private static readonly Instant At = Instant.FromUtc(2021, 2, 20, 12, 0);

    private readonly List<(Guid Id, double Latitude, double Longitude)> _sites = [];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var random = new Random(20261127);
        // A crowd in Iraq, some within a few kilometres of one another.
        for (var i = 0; i < 120; i++)
        {
            _sites.Add((Guid.NewGuid(), 31 + (random.NextDouble() * 6), 41 + (random.NextDouble() * 6)));
        }

        // Sites just within and just beyond 50 km of the first ones, due north, due east and north-east: the latitude
        // band cannot cut the eastern ones, only the distance can.
        var radians = 50 / GeoDistance.EarthRadiusKm;
        foreach (var (_, latitude, longitude) in _sites.Take(6).ToList())
        {
            foreach (var factor in new[] { 0.9999, 1.0001 })
            {
                var north = latitude + (radians * factor * 180 / Math.PI);
                var east = longitude + (2 * Math.Asin(Math.Sin(radians * factor / 2) / Math.Cos(latitude * Math.PI / 180)) * 180 / Math.PI);
                _sites.Add((Guid.NewGuid(), north, longitude));
                _sites.Add((Guid.NewGuid(), latitude, east));
                _sites.Add((Guid.NewGuid(), (latitude + north) / 2, east));
            }
        }

        // Either side of the antimeridian (about 22 km apart), and near the north pole (about 33 km apart).
        _sites.Add((Guid.NewGuid(), 10, 179.9));
        _sites.Add((Guid.NewGuid(), 10, -179.9));
        _sites.Add((Guid.NewGuid(), 89.9, 0));
        _sites.Add((Guid.NewGuid(), 89.9, 180));

        await using var session = Host.Store.LightweightSession();
        foreach (var (id, latitude, longitude) in _sites)
        {
            session.Events.StartStream<Base>(id,
                new BaseRegistered(id, $"Site {id:N}", "Iraq", "Test", latitude, longitude, PostureHost.Now),
                new RocketAttackOccurred(id, Guid.NewGuid(), Report(random.Next(1, 5))),
                new RocketAttackOccurred(id, Guid.NewGuid(), Report(random.Next(1, 5))));
        }

        await session.SaveChangesAsync();
    }

    private static IncidentReport Report(int rounds) =>
        new(At, TimePrecision.Hour, rounds, Impact.Perimeter, 0, 1, Affiliation.Contractor, Attribution.Unknown, null, "test", Confidence.Confirmed, null);

    [Theory]
    [InlineData(50.0)]
    [InlineData(5.0)]
    [InlineData(400.0)]
    [InlineData(0.0)]
    public async Task the_server_finds_every_site_the_radius_reaches(double radiusKm)
    {
        var reader = new SiteReader(ThreatOptions.Default with { NearbyRadiusKm = radiusKm });
        await using var session = Host.Store.QuerySession();
        var places = await SiteReader.PlacesAsync(session, CancellationToken.None);

        var withNeighbours = 0;
        foreach (var (id, _, _) in _sites)
        {
            var expected = reader.Near(places, [id]).Order().ToList();
            (await reader.NearAsync(session, id, CancellationToken.None)).Order().ToList().ShouldBe(expected, $"the neighbours of {id} within {radiusKm} km");
            withNeighbours += expected.Count > 1 ? 1 : 0;
        }

        if (radiusKm >= 50)
        {
            withNeighbours.ShouldBeGreaterThan(20, "the edges, the antimeridian and the pole have neighbours");
        }
    }

    [Fact]
    public async Task a_site_read_answers_as_the_read_from_every_position()
    {
        var reader = new SiteReader(ThreatOptions.Default);
        await using var session = Host.Store.QuerySession();
        var places = await SiteReader.PlacesAsync(session, CancellationToken.None);

        foreach (var (id, _, _) in _sites.Take(20).Concat(_sites.TakeLast(4)))
        {
            var read = (await reader.AroundAsync(session, id, CancellationToken.None)).ShouldNotBeNull();
            var fromPlaces = (await reader.AroundAsync(session, id, places, CancellationToken.None)).ShouldNotBeNull();

            read.Sites.Select(s => s.Id).Order().ShouldBe(fromPlaces.Sites.Select(s => s.Id).Order());
            read.Incidents.Select(i => i.Id).Order().ShouldBe(fromPlaces.Incidents.Select(i => i.Id).Order());
            read.Incidents.Count.ShouldBe(2 * read.Sites.Count, "each site's two incidents");
            var threat = read.Threat(id, At);
            threat.Score.ShouldBe(fromPlaces.Threat(id, At).Score);
            threat.Contributions.ShouldBe(fromPlaces.Threat(id, At).Contributions);
        }
    }

    [Fact]
    public async Task an_unknown_site_has_no_neighbours_and_no_read()
    {
        var reader = new SiteReader(ThreatOptions.Default);
        await using var session = Host.Store.QuerySession();

        (await reader.NearAsync(session, Guid.NewGuid(), CancellationToken.None)).ShouldBeEmpty();
        (await reader.AroundAsync(session, Guid.NewGuid(), CancellationToken.None)).ShouldBeNull();
    }
}
