using NodaTime;
using Posture.Domain.Bases;
using Posture.Domain.Threats;

namespace Posture.Domain.Specs.Threats;

/// <summary>Base-stream events of every site fold into what scoring reads; each stream into its own site's history.</summary>
public sealed class when_folding_threat_inputs : ThreatSpecs
{
    private static readonly Guid Attack = Guid.Parse("a77ac000-0000-4000-8000-000000000002");
    private static readonly RocketAttackOccurred AttackOnBalad = Rockets(Balad, Saturday, Attack);

    [Fact]
    public void a_registration_gives_the_site_its_place() =>
        Given(BaladRegistered).Sites[Balad].Location.ShouldBe(new SiteLocation(33.9333, 44.3667));

    [Fact]
    public void every_kind_of_incident_is_taken_in_with_its_kind()
    {
        var report = Report(Saturday);
        var inputs = Given(BaladRegistered,
            new DroneAttackOccurred(Balad, Guid.NewGuid(), report), new IndirectFireOccurred(Balad, Guid.NewGuid(), report),
            new IedDetonated(Balad, Guid.NewGuid(), report), new SmallArmsFireOccurred(Balad, Guid.NewGuid(), report), AttackOnBalad);
        inputs.Sites[Balad].Incidents.Values.Select(i => i.Kind).ShouldBe(
            [IncidentKind.Drone, IncidentKind.IndirectFire, IncidentKind.Ied, IncidentKind.SmallArms, IncidentKind.Rocket], ignoreOrder: true);
    }

    [Fact]
    public void a_correction_replaces_the_report()
    {
        var corrected = Report(Saturday, injured: 9);
        Given(BaladRegistered, AttackOnBalad, new IncidentCorrected(Balad, Attack, corrected, "revised")).Sites[Balad].Incidents[Attack]
            .ShouldBe(new ThreatIncident(Balad, Attack, IncidentKind.Rocket, corrected, false));
    }

    [Fact]
    public void a_retraction_keeps_the_incident_but_marks_it() =>
        Given(BaladRegistered, AttackOnBalad, new IncidentRetracted(Balad, Attack, "did not happen")).Sites[Balad].Incidents[Attack]
            .Retracted.ShouldBeTrue();

    [Fact]
    public void a_correction_or_retraction_of_an_unknown_incident_changes_nothing()
    {
        var inputs = Given(BaladRegistered, AttackOnBalad);
        var unknown = Guid.NewGuid();
        ThreatInputs.Evolve(inputs, new IncidentCorrected(Balad, unknown, Report(Saturday), "x")).Sites[Balad].ShouldBe(inputs.Sites[Balad]);
        ThreatInputs.Evolve(inputs, new IncidentRetracted(Balad, unknown, "x")).Sites[Balad].ShouldBe(inputs.Sites[Balad]);
    }

    [Fact]
    public void an_assessment_adds_a_floor()
    {
        var until = Saturday + Duration.FromDays(7);
        Given(BaladRegistered, new ThreatAssessed(Balad, ThreatLevel.High, "two attacks in a week", Saturday, until)).Sites[Balad].Floors
            .ShouldBe([new AnalystFloor(ThreatLevel.High, "two attacks in a week", Saturday, until)]);
    }

    [Fact]
    public void events_that_say_nothing_about_threat_change_nothing()
    {
        var inputs = Given(BaladRegistered, AttackOnBalad);
        ThreatInputs.Evolve(inputs, new ForceProtectionConditionSet(Balad, ForceProtectionCondition.Charlie, "rockets", Saturday)).ShouldBeSameAs(inputs);
        ThreatInputs.Evolve(inputs, "not an event").ShouldBeSameAs(inputs);
    }

    [Fact]
    public void streams_folded_in_any_interleaving_give_the_same_assessment()
    {
        var outpostAttack = Rockets(Outpost, Saturday - Duration.FromDays(2));
        object[] balad = [BaladRegistered, AttackOnBalad, new IncidentCorrected(Balad, Attack, Report(Saturday, injured: 3), "revised")];
        object[] outpost = [OutpostRegistered, outpostAttack, new ThreatAssessed(Outpost, ThreatLevel.Significant, "x", Saturday, Saturday + HalfLife)];

        var oneAfterTheOther = Given([.. balad, .. outpost]);
        var interleaved = Given(outpost[0], balad[0], balad[1], outpost[1], outpost[2], balad[2]);

        foreach (var site in new[] { Balad, Outpost })
        {
            var expected = Assess(site, oneAfterTheOther, Saturday + Duration.FromDays(1));
            var actual = Assess(site, interleaved, Saturday + Duration.FromDays(1));
            actual.Contributions.ShouldBe(expected.Contributions);
            actual.ShouldBe(expected with { Contributions = actual.Contributions });
            expected.Contributions.Count.ShouldBe(2);
        }
    }
}
