using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>Great-circle distances by the haversine formula on the mean Earth radius.</summary>
public sealed class when_measuring_distance
{
    [Fact]
    public void balad_is_about_258_km_from_erbil() =>
        GeoDistance.Kilometres(33.9333, 44.3667, 36.2375, 43.9631).ShouldBe(258.8, 0.1);

    [Fact]
    public void balad_is_about_69_km_from_the_nato_mission_in_baghdad() =>
        GeoDistance.Kilometres(33.9333, 44.3667, 33.31, 44.37).ShouldBe(69.3, 0.1);

    [Fact]
    public void a_place_is_no_distance_from_itself() =>
        GeoDistance.Kilometres(36.2375, 43.9631, 36.2375, 43.9631).ShouldBe(0);

    [Fact]
    public void the_distance_is_the_same_both_ways() =>
        GeoDistance.Kilometres(36.2375, 43.9631, 33.31, 44.37).ShouldBe(GeoDistance.Kilometres(33.31, 44.37, 36.2375, 43.9631), 1e-9);

    [Fact]
    public void a_degree_of_latitude_is_about_111_km() =>
        GeoDistance.Kilometres(0, 0, 1, 0).ShouldBe(GeoDistance.EarthRadiusKm * Math.PI / 180, 1e-9);

    [Fact]
    public void opposite_points_are_half_the_circumference_apart() =>
        GeoDistance.Kilometres(33.9333, 44.3667, -33.9333, 44.3667 - 180).ShouldBe(Math.PI * GeoDistance.EarthRadiusKm, 1e-6);

    [Fact]
    public void crossing_the_date_line_takes_the_short_way() =>
        GeoDistance.Kilometres(0, 179.5, 0, -179.5).ShouldBe(GeoDistance.EarthRadiusKm * Math.PI / 180, 1e-6);
}
