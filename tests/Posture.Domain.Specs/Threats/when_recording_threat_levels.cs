using NodaTime;
using Posture.Domain.Common;
using Posture.Domain.Sites;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>Posture records a level only when it crosses a band, and the policy says who must hear of it.</summary>
public sealed class when_recording_threat_levels
{
    private static readonly Guid Balad = Guid.Parse("0b1ad000-0000-4000-8000-000000000001");
    private static readonly Instant Now = Instant.FromUtc(2021, 2, 21, 9, 0);

    private static RecordThreatLevel Record(ThreatLevel level) => new(Balad, level, 2.5, Now, "incident recorded");

    [Fact]
    public void a_new_site_starts_at_low_and_records_nothing_while_it_stays_there() =>
        ThreatRecord.Decide(Record(ThreatLevel.Low), null, Now).Events.ShouldBeEmpty();

    [Fact]
    public void crossing_a_band_records_from_and_to()
    {
        var decision = ThreatRecord.Decide(Record(ThreatLevel.Significant), null, Now);
        decision.Events.ShouldBe([new ThreatLevelChanged(Balad, ThreatLevel.Low, ThreatLevel.Significant, 2.5, Now, "incident recorded")]);
        var state = decision.Events.Aggregate((ThreatRecord?)null, ThreatRecord.Evolve).ShouldNotBeNull();
        state.Level.ShouldBe(ThreatLevel.Significant);
        state.Id.ShouldBe(ThreatRecord.StreamOf(Balad));
    }

    [Fact]
    public void the_same_level_again_records_nothing() =>
        ThreatRecord.Decide(Record(ThreatLevel.High), new ThreatRecord(ThreatRecord.StreamOf(Balad), Balad, ThreatLevel.High), Now).Events.ShouldBeEmpty();

    [Fact]
    public void a_level_in_the_future_or_without_a_cause_is_refused()
    {
        var rejection = ThreatRecord.Decide(Record(ThreatLevel.High) with { At = Now + Duration.FromMinutes(1), Cause = "" }, null, Now).Rejection;
        rejection.ShouldNotBeNull().Problems.Select(p => p.Field).ShouldBe(["at", "cause"], ignoreOrder: true);
    }

    [Fact]
    public void each_site_has_its_own_threat_stream_id()
    {
        ThreatRecord.StreamOf(Balad).ShouldBe(ThreatRecord.StreamOf(Balad));
        ThreatRecord.StreamOf(Balad).ShouldNotBe(Balad);
        ThreatRecord.StreamOf(Balad).ShouldNotBe(ThreatRecord.StreamOf(Guid.NewGuid()));
    }

    private static SiteHeadcount Headcount(params OrganisationHeadcount[] organisations) => new(
        Balad, organisations, organisations.Where(o => o.Kind == OrganisationKind.Contractor).Sum(o => o.People),
        organisations.Where(o => o.Kind == OrganisationKind.Mission).Sum(o => o.People), organisations.Sum(o => o.People));

    private static readonly OrganisationHeadcount Sallyport = new(Guid.NewGuid(), "Sallyport", OrganisationKind.Contractor, 46);
    private static readonly OrganisationHeadcount Nato = new(Guid.NewGuid(), "NATO Mission Iraq", OrganisationKind.Mission, 20);

    private static ThreatLevelChanged Change(ThreatLevel from, ThreatLevel to) => new(Balad, from, to, 7, Now, "incident recorded");

    [Fact]
    public void a_rise_is_announced() =>
        ThreatPolicy.After(Change(ThreatLevel.Low, ThreatLevel.Significant), "Balad Air Base", Headcount(Sallyport))
            .ShouldBe([new ThreatLevelRaised(Balad, "Balad Air Base", ThreatLevel.Low, ThreatLevel.Significant, 7, Now)]);

    [Fact]
    public void a_fall_is_not_announced() =>
        ThreatPolicy.After(Change(ThreatLevel.High, ThreatLevel.Moderate), "Balad Air Base", Headcount(Sallyport)).ShouldBeEmpty();

    [Theory]
    [InlineData(ThreatLevel.High)]
    [InlineData(ThreatLevel.Critical)]
    public void reaching_high_with_contractors_there_recommends_their_evacuation(ThreatLevel level)
    {
        var messages = ThreatPolicy.After(Change(ThreatLevel.Moderate, level), "Balad Air Base", Headcount(Sallyport, Nato));
        var recommendation = messages.OfType<EvacuationRecommended>().Single();
        recommendation.Level.ShouldBe(level);
        recommendation.Contractors.ShouldBe([Sallyport]);
    }

    [Fact]
    public void reaching_high_with_no_contractors_there_recommends_no_evacuation() =>
        ThreatPolicy.After(Change(ThreatLevel.Moderate, ThreatLevel.High), "Balad Air Base", Headcount(Nato)).OfType<EvacuationRecommended>().ShouldBeEmpty();

    [Fact]
    public void a_rise_that_stays_below_high_recommends_no_evacuation() =>
        ThreatPolicy.After(Change(ThreatLevel.Low, ThreatLevel.Significant), "Balad Air Base", Headcount(Sallyport)).OfType<EvacuationRecommended>().ShouldBeEmpty();
}
