using Microsoft.Extensions.Configuration;
using NodaTime;
using Posture.Domain.Threats;
using Posture.Infrastructure.Sites;
using Posture.Infrastructure.Storage;

namespace Posture.IntegrationTests.Configuration;

/// <summary>A deployment may change the scoring constants under Posture:Threat; a bad value stops Posture with one line.</summary>
public sealed class when_threat_options_are_configured
{
    private static ThreatOptions From(params (string Key, string Value)[] settings) =>
        ThreatConfiguration.From(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => $"Posture:Threat:{s.Key}", s => (string?)s.Value))
            .Build());

    [Fact]
    public void nothing_configured_keeps_the_documented_defaults() => From().ShouldBe(ThreatOptions.Default);

    [Fact]
    public void the_half_life_nearby_weight_and_thresholds_can_be_changed()
    {
        var options = From(("HalfLifeDays", "90"), ("NearbyRadiusKm", "30"), ("NearbyWeight", "0.5"), ("High", "8"));
        options.HalfLife.ShouldBe(Duration.FromDays(90));
        options.NearbyRadiusKm.ShouldBe(30);
        options.NearbyWeight.ShouldBe(0.5);
        options.Thresholds.High.ShouldBe(8);
        options.Thresholds.Critical.ShouldBe(ThreatOptions.Default.Thresholds.Critical);
    }

    [Fact]
    public void thresholds_that_do_not_rise_are_refused_naming_them()
    {
        var error = Should.Throw<PostureStartupException>(() => From(("Moderate", "5")));
        error.Message.ShouldContain("Posture:Threat");
        error.Message.ShouldContain("thresholds");
    }

    [Fact]
    public void a_value_that_is_not_a_number_is_refused_naming_the_key() =>
        Should.Throw<PostureStartupException>(() => From(("HalfLifeDays", "a month"))).Message.ShouldContain("Posture:Threat:HalfLifeDays");
}
